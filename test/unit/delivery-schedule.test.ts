import { chargeRetryDaysFrom } from '../../system/functions.ts';
/**
 * The schedule's calendar rules: the next delivery by cycle (S15, anchored
 * months), and the charge runs' retry window after a decline (S17).
 */
import { describe, expect, it } from 'vitest';
import { parseRunTime, SCHEDULE_DEFAULTS } from '../../system/functions.ts';
import { CHARGE_RETRY_DAYS, lastChargeAttempt, nextChargeAttempt, nextDeliveryDate, nextRunAfter } from '../../functions/domain/delivery-schedule.ts';
import type { CycleCode } from '../../functions/domain/product.ts';

/** Deliveries after `start`, each computed from the one before (as the charge run advances). */
function deliveries(cycle: CycleCode, start: string, count: number): string[] {
  const dates = [start];
  while (dates.length < count) dates.push(nextDeliveryDate(cycle, start, dates.at(-1)!));
  return dates;
}

describe('nextDeliveryDate: weeks', () => {
  it.each([
    ['1w', '2026-12-01', '2026-12-08'],
    ['2w', '2026-12-01', '2026-12-15'],
    ['3w', '2026-12-01', '2026-12-22'],
    ['4w', '2026-12-01', '2026-12-29'],
    ['2w', '2026-12-24', '2027-01-07'],
    ['1w', '2028-02-26', '2028-03-04'],
  ] as const)('%s after %s is %s', (cycle, current, expected) => {
    expect(nextDeliveryDate(cycle, current, current)).toBe(expected);
  });

  it('ignores the anchor: every step is the same number of days', () => {
    expect(deliveries('2w', '2026-01-31', 4)).toEqual(['2026-01-31', '2026-02-14', '2026-02-28', '2026-03-14']);
  });
});

describe('nextDeliveryDate: months keep the anchor day and clamp at month end', () => {
  it('Jan 31 → Feb 28 → Mar 31 → Apr 30 → May 31 (not stuck on the 28th)', () => {
    expect(deliveries('1m', '2026-01-31', 5)).toEqual(['2026-01-31', '2026-02-28', '2026-03-31', '2026-04-30', '2026-05-31']);
  });

  it('a leap year gives Feb 29', () => {
    expect(deliveries('1m', '2028-01-31', 3)).toEqual(['2028-01-31', '2028-02-29', '2028-03-31']);
    expect(deliveries('1m', '2028-01-30', 3)).toEqual(['2028-01-30', '2028-02-29', '2028-03-30']);
  });

  it('a day every month has stays put', () => {
    expect(deliveries('1m', '2026-11-15', 4)).toEqual(['2026-11-15', '2026-12-15', '2027-01-15', '2027-02-15']);
  });

  it('multi-month cycles cross the year and clamp too', () => {
    expect(deliveries('2m', '2026-12-31', 4)).toEqual(['2026-12-31', '2027-02-28', '2027-04-30', '2027-06-30']);
    expect(deliveries('3m', '2026-11-30', 3)).toEqual(['2026-11-30', '2027-02-28', '2027-05-30']);
    expect(deliveries('6m', '2026-08-31', 3)).toEqual(['2026-08-31', '2027-02-28', '2027-08-31']);
    expect(nextDeliveryDate('4m', '2026-10-29', '2026-10-29')).toBe('2027-02-28');
    expect(nextDeliveryDate('5m', '2027-09-30', '2027-09-30')).toBe('2028-02-29');
  });

  it('1y adds a year; one started on Feb 29 delivers Feb 28, and Feb 29 again in leap years', () => {
    expect(deliveries('1y', '2026-12-01', 3)).toEqual(['2026-12-01', '2027-12-01', '2028-12-01']);
    expect(deliveries('1y', '2028-02-29', 6)).toEqual(['2028-02-29', '2029-02-28', '2030-02-28', '2031-02-28', '2032-02-29', '2033-02-28']);
  });

  it('century rules: 2100 is not a leap year, 2400 is', () => {
    expect(nextDeliveryDate('1m', '2100-01-31', '2100-01-31')).toBe('2100-02-28');
    expect(nextDeliveryDate('1m', '2400-01-31', '2400-01-31')).toBe('2400-02-29');
  });
});

describe('charge-run retry schedule (S17)', () => {
  const runs = SCHEDULE_DEFAULTS.chargeRunTimes.map(parseRunTime);
  // Seoul is UTC+9: 10:00 KST = 01:00Z, 17:00 KST = 08:00Z.
  const at = (iso: string) => new Date(iso);

  it('the next run is strictly after the given time, today or tomorrow', () => {
    expect(nextRunAfter(at('2026-11-30T09:00:00+09:00'), runs).toISOString()).toBe('2026-11-30T01:00:00.000Z');
    expect(nextRunAfter(at('2026-11-30T10:00:00+09:00'), runs).toISOString()).toBe('2026-11-30T08:00:00.000Z');
    expect(nextRunAfter(at('2026-11-30T17:00:00+09:00'), runs).toISOString()).toBe('2026-12-01T01:00:00.000Z');
    expect(nextRunAfter(at('2026-11-30T23:59:00+09:00'), runs).toISOString()).toBe('2026-12-01T01:00:00.000Z');
  });

  it('run times are taken in time order whatever order they are configured in', () => {
    expect(nextRunAfter(at('2026-11-30T10:00:00+09:00'), [parseRunTime('17:00'), parseRunTime('10:00')]).toISOString()).toBe('2026-11-30T08:00:00.000Z');
  });

  it(`retries at every run up to the last run on chargeDate + ${CHARGE_RETRY_DAYS}: eight attempts with 10:00 and 17:00`, () => {
    const chargeDate = '2026-11-30';
    expect(lastChargeAttempt(chargeDate, runs).toISOString()).toBe('2026-12-03T08:00:00.000Z');
    const attempts = [at('2026-11-30T10:00:00+09:00')];
    for (;;) {
      const next = nextChargeAttempt(chargeDate, attempts.at(-1)!, runs);
      if (!next) break;
      attempts.push(next);
    }
    expect(attempts.map((d) => d.toISOString())).toEqual([
      '2026-11-30T01:00:00.000Z',
      '2026-11-30T08:00:00.000Z',
      '2026-12-01T01:00:00.000Z',
      '2026-12-01T08:00:00.000Z',
      '2026-12-02T01:00:00.000Z',
      '2026-12-02T08:00:00.000Z',
      '2026-12-03T01:00:00.000Z',
      '2026-12-03T08:00:00.000Z',
    ]);
  });

  it('a first attempt made late (a missed run) still ends on the same day', () => {
    expect(nextChargeAttempt('2026-11-30', at('2026-12-03T17:00:00+09:00'), runs)).toBeNull();
    expect(nextChargeAttempt('2026-11-30', at('2026-12-05T10:00:00+09:00'), runs)).toBeNull();
  });

  it('follows configured run times (one run a day)', () => {
    const once = [parseRunTime('09:30')];
    expect(nextChargeAttempt('2026-11-30', at('2026-11-30T09:30:00+09:00'), once)?.toISOString()).toBe('2026-12-01T00:30:00.000Z');
    expect(nextChargeAttempt('2026-11-30', at('2026-12-03T09:30:00+09:00'), once)).toBeNull();
  });
});

describe('the retry window is a setting (CHARGE_RETRY_DAYS, default 3)', () => {
  const runs = [{ functionName: 'chargeRun' as const, hour: 10, minute: 0 }, { functionName: 'chargeRun' as const, hour: 17, minute: 0 }];

  it('ends the retries at the last run on chargeDate + the configured days', () => {
    expect(lastChargeAttempt('2026-12-01', runs, 1).toISOString()).toBe('2026-12-02T08:00:00.000Z'); // 12-02 17:00 Seoul
    expect(lastChargeAttempt('2026-12-01', runs).toISOString()).toBe('2026-12-04T08:00:00.000Z'); // default: 12-04 17:00 Seoul
    // With one day, the 12-02 17:00 attempt is the last: nothing follows it.
    expect(nextChargeAttempt('2026-12-01', new Date('2026-12-02T08:00:00Z'), runs, 1)).toBeNull();
    expect(nextChargeAttempt('2026-12-01', new Date('2026-12-02T08:00:00Z'), runs)?.toISOString()).toBe('2026-12-03T01:00:00.000Z');
  });

  it('is read from the environment and refuses nonsense', () => {
    expect(chargeRetryDaysFrom({})).toBe(3);
    expect(chargeRetryDaysFrom({ CHARGE_RETRY_DAYS: '5' })).toBe(5);
    expect(() => chargeRetryDaysFrom({ CHARGE_RETRY_DAYS: 'two' })).toThrow(/whole number of days/);
    expect(() => chargeRetryDaysFrom({ CHARGE_RETRY_DAYS: '30' })).toThrow(/0 to 14/);
  });
});

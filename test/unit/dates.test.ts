import { describe, expect, it } from 'vitest';
import { addDays, isIsoDate, seoulDate, seoulInstant, seoulTimestamp } from '../../functions/core/dates.ts';

// vitest.config.ts runs tests with TZ=America/Los_Angeles: none of this may depend on the machine's zone.
describe('Asia/Seoul calendar dates', () => {
  it('runs in a machine zone other than Seoul and UTC, so a leak would show', () => {
    expect(new Date('2026-11-27T00:00:00Z').getTimezoneOffset()).not.toBe(0);
  });

  it('gives the Seoul date of an instant, which is a day ahead of UTC after 15:00 UTC', () => {
    expect(seoulDate(new Date('2026-11-27T14:59:59Z'))).toBe('2026-11-27');
    expect(seoulDate(new Date('2026-11-27T15:00:00Z'))).toBe('2026-11-28');
  });

  it('adds days across month and year ends and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -2)).toBe('2026-02-27');
  });

  it('turns a Seoul wall-clock time into the right instant', () => {
    expect(seoulInstant('2026-11-28', 8, 0).toISOString()).toBe('2026-11-27T23:00:00.000Z');
  });

  it('formats timestamps with the +09:00 offset the contract uses', () => {
    expect(seoulTimestamp(new Date('2026-11-27T23:00:00Z'))).toBe('2026-11-28T08:00:00+09:00');
  });

  it('accepts only real YYYY-MM-DD dates', () => {
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-2-1')).toBe(false);
  });
});

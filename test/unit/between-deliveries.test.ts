/** The pure rules of issue 13's buyer changes (functions/domain/between-deliveries.ts). */
import { describe, expect, it } from 'vitest';
import { HISTORY_LIMIT, pauseOf, pauseRunsOut, replaceItems, resumeCandidates, withHistory, type Pause } from '../../functions/domain/between-deliveries.ts';
import { DEFAULT_DELIVERY_CALENDAR } from '../../functions/domain/delivery-calendar.ts';
import { DEFAULT_START_DATE_WINDOW } from '../../functions/domain/shop.ts';
import type { Subscription } from '../../functions/domain/subscription.ts';

const monthly = { id: 's1', cycle: '1m', startDate: '2026-01-31', nextDeliveryDate: '2026-02-28', nextNominalDate: undefined } as unknown as Subscription;
const AT = '2026-02-20T10:00:00+09:00';

describe('pause', () => {
  it.each([
    ['cycles: 1 resumes with the delivery after the next', { cycles: 1 }, '2026-03-31'],
    ['cycles: 2 on the anchor day (31st, clamped)', { cycles: 2 }, '2026-04-30'],
    ['until resumes with the first delivery on or after it', { until: '2026-04-01' }, '2026-04-30'],
    ['until on a delivery day resumes with that one', { until: '2026-03-31' }, '2026-03-31'],
    ['neither: until the buyer resumes', {}, undefined],
  ])('%s', (_case, request, resumesOn) => {
    const pause = pauseOf(monthly, request, AT);
    expect(pause.resumesOn).toBe(resumesOn);
    expect(pause.fromNominal).toBe('2026-02-28');
  });

  it.each([
    ['three days before its first delivery back', '2026-03-28', true],
    ['four days before', '2026-03-27', false],
    ['late (a missed run)', '2026-04-05', true],
  ])('runs out %s', (_case, today, expected) => {
    expect(pauseRunsOut({ since: AT, fromNominal: '2026-02-28', resumesOn: '2026-03-31' }, today, DEFAULT_START_DATE_WINDOW)).toBe(expected);
  });

  it('never runs out without an end', () => {
    expect(pauseRunsOut({ since: AT, fromNominal: '2026-02-28' }, '2030-01-01', DEFAULT_START_DATE_WINDOW)).toBe(false);
  });

  it('resumes on the anchor, from the earliest day on, sundays avoided when the shop says so', () => {
    const paused = { ...monthly, pause: { since: AT, fromNominal: '2026-02-28' } as Pause };
    const first = (earliest: string, calendar = DEFAULT_DELIVERY_CALENDAR) => resumeCandidates(paused, earliest, calendar).next().value;
    expect(first('2026-06-02')).toMatchObject({ nominalDate: '2026-06-30', deliveryDate: '2026-06-30', noticeDate: '2026-06-28' });
    expect(first('2026-06-30')?.deliveryDate).toBe('2026-06-30');
    // 2026-05-31 is a Sunday: moved to Monday June 1.
    expect(first('2026-05-10', { avoid: { sundays: true, saturdays: false, publicHolidays: false }, shift: 'later' })).toMatchObject({ nominalDate: '2026-05-31', deliveryDate: '2026-06-01' });
  });
});

describe('items and history', () => {
  it('a new item list: listed products active at their quantity, the others cancelled, new ones added', () => {
    const current = [
      { productId: 'beans', quantity: 2, status: 'ACTIVE' as const },
      { productId: 'drip', quantity: 1, status: 'CANCELLED' as const },
    ];
    expect(replaceItems(current, [{ productId: 'drip', quantity: 3 }, { productId: 'mug', quantity: 1 }])).toEqual([
      { productId: 'beans', quantity: 2, status: 'CANCELLED' },
      { productId: 'drip', quantity: 3, status: 'ACTIVE' },
      { productId: 'mug', quantity: 1, status: 'ACTIVE' },
    ]);
  });

  it(`keeps the last ${HISTORY_LIMIT} changes`, () => {
    let subscription = monthly;
    for (let i = 0; i < HISTORY_LIMIT + 5; i += 1) subscription = withHistory(subscription, { at: `${i}`, by: { role: 'customer', id: 'b' }, action: 'skip', details: {} });
    expect(subscription.history).toHaveLength(HISTORY_LIMIT);
    expect(subscription.history?.[0]?.at).toBe('5');
  });
});

/**
 * The late delivery count (issue 14's `chargedDeliveries`; functions/domain/delivery-count.ts): a cycle the
 * subscription moved past while its charge was still open (REVIEW, FAILED) owes its count, and a charge of it
 * later counts it exactly once; the next notice then locks the right delivery number.
 */
import { describe, expect, it } from 'vitest';
import { advance, scheduledCycle, type Cycle, type CycleState } from '../../functions/domain/cycle.ts';
import { priceCycle } from '../../functions/domain/cycle-pricing.ts';
import { DEFAULT_DELIVERY_CALENDAR } from '../../functions/domain/delivery-calendar.ts';
import { countLate, owesCount, passedUncounted } from '../../functions/domain/delivery-count.ts';
import type { Product } from '../../functions/domain/product.ts';
import { aSubscription } from '../support/subscription-fixtures.ts';

const sub = aSubscription({
  id: 'sub-1',
  cycle: '2w',
  startDate: '2026-11-26',
  nextDeliveryDate: '2026-12-10',
  nextNoticeDate: '2026-12-08',
  nextChargeDate: '2026-12-09',
  chargedDeliveries: 1,
  items: [{ productId: 'beans', quantity: 2, status: 'ACTIVE' }],
});
const cycle = (status: CycleState): Cycle => ({ ...scheduledCycle(sub, '2026-12-10'), status, followingDeliveryDate: '2026-12-24' });
const passed = (status: CycleState) => advance(sub, cycle(status), '2026-12-09', 'now', { calendar: DEFAULT_DELIVERY_CALENDAR, charged: false })!.subscription;

describe('a cycle passed uncounted', () => {
  it.each(['REVIEW', 'FAILED', 'CHARGING'] as const)('%s (its charge still open): leaving it uncounted records it as owing its count', (status) => {
    expect(passed(status)).toMatchObject({ nextDeliveryDate: '2026-12-24', chargedDeliveries: 1, uncountedDeliveries: ['2026-12-10'] });
  });

  it.each(['SKIPPED', 'CANCELLED'] as const)('%s (never charged): owes nothing', (status) => {
    expect(passed(status)).not.toHaveProperty('uncountedDeliveries');
  });

  it('a charged advance counts at once and records nothing; recording twice keeps one date', () => {
    expect(advance(sub, cycle('CHARGING'), '2026-12-09', 'now', { calendar: DEFAULT_DELIVERY_CALENDAR, charged: true })!.subscription).toMatchObject({ chargedDeliveries: 2 });
    expect(advance(sub, cycle('CHARGING'), '2026-12-09', 'now', { calendar: DEFAULT_DELIVERY_CALENDAR, charged: true })!.subscription).not.toHaveProperty('uncountedDeliveries');
    const once = passedUncounted(sub, cycle('FAILED'));
    expect(passedUncounted(once, cycle('FAILED')).uncountedDeliveries).toEqual(['2026-12-10']);
  });
});

describe('the late count', () => {
  it('counts an owed delivery once: +1, the date no longer owed, other owed dates kept', () => {
    const owing = { ...passed('REVIEW'), uncountedDeliveries: ['2026-11-26', '2026-12-10'] };
    const counted = countLate(owing, cycle('REVIEW'), '2026-12-20T10:00:00+09:00')!;
    expect(counted).toMatchObject({ chargedDeliveries: 2, uncountedDeliveries: ['2026-11-26'], updatedAt: '2026-12-20T10:00:00+09:00', nextDeliveryDate: '2026-12-24' });
    // A repeat (a duplicate resolve, a rerun after a crash past the count's write) finds nothing owed.
    expect(owesCount(counted, cycle('REVIEW'))).toBe(false);
    expect(countLate(counted, cycle('REVIEW'), 'later')).toBeUndefined();
    // The last owed date gone: the attribute goes with it.
    expect(countLate(passed('FAILED'), cycle('FAILED'), 'now')).not.toHaveProperty('uncountedDeliveries');
  });

  it('nothing owed (counted by the charge worker before a crash, or never passed uncounted): no count', () => {
    expect(countLate(sub, cycle('REVIEW'), 'now')).toBeUndefined();
    expect(countLate({ ...sub, chargedDeliveries: undefined }, cycle('CHARGING'), 'now')).toBeUndefined();
  });

  it('counts whatever the status (a PAUSED subscription resumes with the right number)', () => {
    expect(countLate({ ...passed('FAILED'), status: 'PAUSED' }, cycle('CHARGING'), 'now')).toMatchObject({ status: 'PAUSED', chargedDeliveries: 2 });
  });

  it('the next notice locks the corrected delivery number; a count that uses the last delivery up completes before the next cycle', () => {
    const beans: Product = { productId: 'beans', name: 'Beans', price: 25_000, subscription: { enabled: true, cycles: ['2w'] }, onePlusNEvent: false, maxDeliveries: 3, discounts: [{ fromDelivery: 3, won: 1_000 }], priceIncreasePolicy: 'keep-old-price', updatedAt: 'then' };
    const products = new Map([['beans', beans]]);
    const owing = passed('REVIEW');
    // Uncounted, the next notice would lock delivery 2 again, at the list price.
    expect(priceCycle(owing, products, '2026-12-22', [])).toMatchObject({ deliveryNumber: 2, finalDelivery: false, lines: [{ unitPrice: 25_000 }] });
    const counted = countLate(owing, cycle('REVIEW'), 'now')!;
    expect(priceCycle(counted, products, '2026-12-22', [])).toMatchObject({ deliveryNumber: 3, finalDelivery: true, lines: [{ unitPrice: 24_000, discount: 1_000 }] });
    expect(priceCycle({ ...counted, chargedDeliveries: 3 }, products, '2027-01-05', [])).toMatchObject({ exhausted: true, lines: [] });
  });
});

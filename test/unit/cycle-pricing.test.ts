/**
 * Issue 14 part B: what the notice locks for a cycle (priceCycle) — the delivery number from the charged
 * deliveries, the price-change rules with the subscriber's consent, discounts by delivery number, maxDeliveries
 * per line, the final delivery — and the card-expiry warning rule, with real calendar dates.
 */
import { describe, expect, it } from 'vitest';
import { expiryWarningDue, lastValidDay } from '../../functions/domain/card-expiry.ts';
import { needsConsents, priceCycle } from '../../functions/domain/cycle-pricing.ts';
import { priceChange, type PriceConsent } from '../../functions/domain/price-change.ts';
import type { Product } from '../../functions/domain/product.ts';
import { aSubscription } from '../support/subscription-fixtures.ts';

const product = (productId: string, price: number, extra: Partial<Product> = {}): Product => ({
  productId,
  name: productId,
  price,
  subscription: { enabled: true, cycles: ['2w'] },
  onePlusNEvent: false,
  priceIncreasePolicy: 'keep-old-price',
  updatedAt: '2026-11-01T10:00:00+09:00',
  ...extra,
});

// Announced 2026-12-01 (saved at 10:00): the new price may be locked from the notice of 2026-12-31 on.
const rise = { ...priceChange('beans', 25_000, 27_000, '2026-12-01', 'keep-old-price')!, announcedAt: '2026-12-01T10:00:00+09:00' };
const riseEnding = { ...rise, policy: 'end-subscription' as const };
const answer = (accept: boolean): PriceConsent => ({ changeId: rise.changeId, accept, at: '2026-12-05T09:00:00+09:00' });
const subscriber = aSubscription({ id: 'sub-1', items: [{ productId: 'beans', quantity: 2, status: 'ACTIVE' }], createdAt: '2026-11-20T10:00:00+09:00' });
const catalogue = (...products: Product[]) => new Map(products.map((entry) => [entry.productId, entry]));

describe('priceCycle: the price-change rules at the notice (the 30-day consent)', () => {
  const raised = catalogue(product('beans', 27_000, { priceChanges: [rise] }));

  it.each([
    ['before increaseFrom, whatever the answer', '2026-12-29', [answer(true)], 25_000],
    ['from increaseFrom with consent: the new price', '2026-12-31', [answer(true)], 27_000],
    ['from increaseFrom without an answer: the old price (keep-old-price)', '2026-12-31', [], 25_000],
    ['from increaseFrom after a refusal: the old price (keep-old-price)', '2027-01-14', [answer(false)], 25_000],
  ])('%s', (_case, noticeDate, consents, unitPrice) => {
    const priced = priceCycle(subscriber, raised, noticeDate, consents);
    expect(priced.lines).toEqual([{ productId: 'beans', quantity: 2, unitPrice }]);
    expect(priced.refusedIncrease).toBeUndefined();
  });

  it('end-subscription: no consent by the first increased notice ends it before that cycle; consent keeps it', () => {
    const ending = catalogue(product('beans', 27_000, { priceIncreasePolicy: 'end-subscription', priceChanges: [riseEnding] }));
    expect(priceCycle(subscriber, ending, '2026-12-29', []).refusedIncrease).toBeUndefined();
    expect(priceCycle(subscriber, ending, '2026-12-31', []).refusedIncrease).toBe(rise.changeId);
    expect(priceCycle(subscriber, ending, '2026-12-31', [answer(false)]).refusedIncrease).toBe(rise.changeId);
    expect(priceCycle(subscriber, ending, '2026-12-31', [answer(true)])).toMatchObject({ lines: [{ unitPrice: 27_000 }] });
  });

  it('a subscriber who signed up after the change is not asked: the price it signed up at, no consents read', () => {
    const later = { ...subscriber, createdAt: '2026-12-02T10:00:00+09:00' };
    expect(needsConsents(later, raised, '2026-12-31')).toBe(false);
    expect(priceCycle(later, raised, '2026-12-31', []).lines[0]?.unitPrice).toBe(27_000);
    // The one asked reads its answers only from increaseFrom on.
    expect(needsConsents(subscriber, raised, '2026-12-29')).toBe(false);
    expect(needsConsents(subscriber, raised, '2026-12-31')).toBe(true);
  });

  it('a decrease applies at once, with no consent', () => {
    const lower = priceChange('beans', 25_000, 22_000, '2026-12-01', 'keep-old-price')!;
    expect(priceCycle(subscriber, catalogue(product('beans', 22_000, { priceChanges: [lower] })), '2026-12-01', []).lines[0]?.unitPrice).toBe(22_000);
  });
});

describe('priceCycle: delivery numbers, discounts and maxDeliveries', () => {
  const stepped = product('beans', 25_000, { discounts: [{ fromDelivery: 1, toDelivery: 2, percent: 5 }, { fromDelivery: 3, percent: 10 }], maxDeliveries: 3 });
  const drip = product('drip', 18_000);
  const both = aSubscription({ id: 'sub-2', items: [{ productId: 'beans', quantity: 2, status: 'ACTIVE' }, { productId: 'drip', quantity: 1, status: 'ACTIVE' }] });

  it.each([
    [0, 1, 23_750, false],
    [1, 2, 23_750, false],
    [2, 3, 22_500, true],
  ])('after %i charged deliveries: delivery %i at %i (list price and discount kept), final: %s', (chargedDeliveries, deliveryNumber, unitPrice, finalDelivery) => {
    const priced = priceCycle({ ...subscriber, chargedDeliveries }, catalogue(stepped), '2026-12-08', []);
    expect(priced).toMatchObject({ deliveryNumber, finalDelivery, exhausted: false });
    expect(priced.lines).toEqual([{ productId: 'beans', quantity: 2, unitPrice, listPrice: 25_000, discount: 25_000 - unitPrice }]);
  });

  it('a line past its maxDeliveries leaves the cycle; the others go on (not final while one has no limit)', () => {
    expect(priceCycle({ ...both, chargedDeliveries: 2 }, catalogue(stepped, drip), '2026-12-08', [])).toMatchObject({ finalDelivery: false, lines: [{ productId: 'beans' }, { productId: 'drip' }] });
    expect(priceCycle({ ...both, chargedDeliveries: 3 }, catalogue(stepped, drip), '2026-12-08', [])).toMatchObject({ deliveryNumber: 4, finalDelivery: false, exhausted: false, lines: [{ productId: 'drip', unitPrice: 18_000 }] });
  });

  it('every line used up (a limit lowered after the fact): exhausted — completed without this cycle', () => {
    expect(priceCycle({ ...subscriber, chargedDeliveries: 5 }, catalogue(stepped), '2026-12-08', [])).toMatchObject({ lines: [], exhausted: true, finalDelivery: false });
    // A product gone from the catalogue is not "used up": nothing to charge, handled as before.
    expect(priceCycle(subscriber, catalogue(), '2026-12-08', [])).toMatchObject({ lines: [], exhausted: false });
  });
});

describe('the card-expiry warning (issue 14)', () => {
  it('a card is valid through the last day of its month', () => {
    expect(lastValidDay({ year: 2026, month: 12 })).toBe('2026-12-31');
    expect(lastValidDay({ year: 2028, month: 2 })).toBe('2028-02-29');
  });

  it.each([
    ['31 days before the month ends, the next charge still inside it', '2026-11-30', '2026-12-14', false],
    ['30 days before the month ends', '2026-12-01', '2026-12-15', true],
    ['a long cycle: the next charge falls after the card expires', '2026-10-08', '2027-01-09', true],
    ['a long cycle: the next charge is still inside the card', '2026-10-08', '2026-12-30', false],
    ['already expired', '2027-02-03', '2027-02-17', true],
  ])('%s', (_case, day, followingCharge, due) => {
    expect(expiryWarningDue({ year: 2026, month: 12 }, day, followingCharge)).toBe(due);
  });
});

/** Discounts by delivery number (issue 14): "1–2회 5 %, 3회부터 10 %", won discounts, rounding down, and the PUT's checks. */
import { describe, expect, it } from 'vitest';
import { discountProblems, priceForDelivery, type DeliveryDiscount } from '../../functions/domain/pricing.ts';

const stepped: readonly DeliveryDiscount[] = [
  { fromDelivery: 1, toDelivery: 2, percent: 5 },
  { fromDelivery: 3, percent: 10 },
];

describe('priceForDelivery', () => {
  it.each([
    [1, { listPrice: 25_000, discount: 1_250, unitPrice: 23_750 }],
    [2, { listPrice: 25_000, discount: 1_250, unitPrice: 23_750 }],
    [3, { listPrice: 25_000, discount: 2_500, unitPrice: 22_500 }],
    [40, { listPrice: 25_000, discount: 2_500, unitPrice: 22_500 }],
  ])('"1–2회 5 %%, 3회부터 10 %%": delivery %i', (deliveryNumber, expected) => {
    expect(priceForDelivery({ price: 25_000, discounts: stepped }, deliveryNumber)).toEqual(expected);
  });

  it('rounds a percent discount down to the won', () => {
    // 18,333 × 5 % = 916.65 → 916 off.
    expect(priceForDelivery({ price: 18_333, discounts: stepped }, 1)).toEqual({ listPrice: 18_333, discount: 916, unitPrice: 17_417 });
  });

  it('takes a won discount as it is, and only in its range', () => {
    const product = { price: 18_000, discounts: [{ fromDelivery: 2, toDelivery: 3, won: 2_000 }] };
    expect(priceForDelivery(product, 1).unitPrice).toBe(18_000);
    expect(priceForDelivery(product, 3)).toEqual({ listPrice: 18_000, discount: 2_000, unitPrice: 16_000 });
    expect(priceForDelivery(product, 4).discount).toBe(0);
  });

  it('is the list price without discounts, and refuses a delivery number below 1', () => {
    expect(priceForDelivery({ price: 9_900 }, 1)).toEqual({ listPrice: 9_900, discount: 0, unitPrice: 9_900 });
    expect(() => priceForDelivery({ price: 9_900 }, 0)).toThrow(RangeError);
  });
});

describe('discountProblems', () => {
  it('accepts non-overlapping ranges', () => {
    expect(discountProblems(stepped, 25_000, undefined)).toEqual([]);
  });

  it('names each bad rule', () => {
    const problems = discountProblems(
      [
        { fromDelivery: 1, percent: 5 },
        { fromDelivery: 3, toDelivery: 2, percent: 10 },
        { fromDelivery: 5, won: 30_000 },
        { fromDelivery: 9, won: 100 },
      ],
      25_000,
      6,
    );
    expect(problems.map((p) => p.path)).toEqual(['discounts.1.toDelivery', 'discounts.1', 'discounts.2.won', 'discounts.2', 'discounts.3.fromDelivery', 'discounts.3', 'discounts.3']);
  });
});

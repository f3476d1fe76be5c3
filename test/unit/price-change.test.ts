/** The 30-day price-increase consent (전자상거래법 시행령 since 2025-02-14; issue 14), as pure rules. */
import { describe, expect, it } from 'vitest';
import { priceChange, raisesAnyDelivery, unitPriceFor, type PriceConsent } from '../../functions/domain/price-change.ts';

const beans = { productId: 'beans', price: 27_000 };
const rise = priceChange('beans', 25_000, 27_000, '2026-12-01', 'keep-old-price')!;
const accepted: PriceConsent = { changeId: rise.changeId, accept: true, at: '2026-12-03T10:00:00+09:00' };
const refused: PriceConsent = { changeId: rise.changeId, accept: false, at: '2026-12-03T10:00:00+09:00' };

describe('priceChange', () => {
  it('dates an increase 30 days after the buyers are told; a decrease applies at once; no change, no record', () => {
    expect(rise).toMatchObject({ oldPrice: 25_000, newPrice: 27_000, announcedOn: '2026-12-01', increaseFrom: '2026-12-31', changeId: 'beans#2026-12-01#27000' });
    expect(priceChange('beans', 25_000, 23_000, '2026-12-01', 'keep-old-price')).not.toHaveProperty('increaseFrom');
    expect(priceChange('beans', 25_000, 25_000, '2026-12-01', 'keep-old-price')).toBeNull();
  });

  it('counts a discount that ends or shrinks as an increase', () => {
    const discounted = { price: 25_000, discounts: [{ fromDelivery: 1, toDelivery: 2, percent: 5 }, { fromDelivery: 3, percent: 10 }] };
    expect(raisesAnyDelivery(discounted, { price: 25_000, discounts: [{ fromDelivery: 1, toDelivery: 2, percent: 5 }] })).toBe(true);
    expect(raisesAnyDelivery(discounted, { price: 25_000, discounts: [{ fromDelivery: 1, percent: 10 }] })).toBe(false);
    expect(raisesAnyDelivery({ price: 25_000 }, { price: 24_000 })).toBe(false);
  });
});

describe('unitPriceFor', () => {
  it('keeps the old price for a cycle noticed less than 30 days after the change notice, whatever the answer', () => {
    expect(unitPriceFor(beans, { noticeDate: '2026-12-30', deliveryNumber: 4 }, [rise], [accepted])).toMatchObject({ unitPrice: 25_000, endSubscription: false });
  });

  it('charges the new price from the first notice 30 days on, with consent', () => {
    expect(unitPriceFor(beans, { noticeDate: '2026-12-31', deliveryNumber: 4 }, [rise], [accepted])).toMatchObject({ unitPrice: 27_000, decidedBy: rise.changeId });
  });

  it('keeps the old price without consent (refused or unanswered) when the merchant keeps it', () => {
    expect(unitPriceFor(beans, { noticeDate: '2027-01-14', deliveryNumber: 5 }, [rise], [refused]).unitPrice).toBe(25_000);
    expect(unitPriceFor(beans, { noticeDate: '2027-01-14', deliveryNumber: 5 }, [rise], []).unitPrice).toBe(25_000);
  });

  it('ends the subscription before the first increased cycle without consent when the merchant chose so', () => {
    const ending = { ...rise, policy: 'end-subscription' as const };
    expect(unitPriceFor(beans, { noticeDate: '2027-01-14', deliveryNumber: 5 }, [ending], [])).toMatchObject({ endSubscription: true });
    expect(unitPriceFor(beans, { noticeDate: '2027-01-14', deliveryNumber: 5 }, [ending], [accepted])).toMatchObject({ endSubscription: false, unitPrice: 27_000 });
  });

  it('applies a decrease at once, and the delivery-number discount on top', () => {
    const cut = priceChange('beans', 25_000, 22_000, '2026-12-01', 'keep-old-price')!;
    const product = { productId: 'beans', price: 22_000, discounts: [{ fromDelivery: 3, percent: 10 }] };
    expect(unitPriceFor(product, { noticeDate: '2026-12-01', deliveryNumber: 3 }, [cut], [])).toMatchObject({ listPrice: 22_000, discount: 2_200, unitPrice: 19_800 });
    expect(unitPriceFor(product, { noticeDate: '2026-11-30', deliveryNumber: 1 }, [cut], []).unitPrice).toBe(25_000);
  });

  it('is the current price when no change was recorded', () => {
    expect(unitPriceFor(beans, { noticeDate: '2026-12-31', deliveryNumber: 1 }, [], []).unitPrice).toBe(27_000);
  });
});

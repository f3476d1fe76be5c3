/** A product and whether it can be bought on subscription (S13, S14). */
import type { NonConsentPolicy, PriceChange } from './price-change.ts';
import type { DeliveryDiscount } from './pricing.ts';

export const CYCLE_CODES = ['1w', '2w', '3w', '4w', '1m', '2m', '3m', '4m', '5m', '6m', '1y'] as const;
export type CycleCode = (typeof CYCLE_CODES)[number];

export interface Product {
  readonly productId: string;
  readonly name: string;
  /** Integer KRW. */
  readonly price: number;
  readonly subscription: { readonly enabled: boolean; readonly cycles: readonly CycleCode[] };
  /** A "1+N event" product. */
  readonly onePlusNEvent: boolean;
  /** Issue 14: a subscription including it ends COMPLETED after this many charged deliveries; absent = no limit. */
  readonly maxDeliveries?: number;
  /** Issue 14: discounts by delivery number (functions/domain/pricing.ts priceForDelivery). */
  readonly discounts?: readonly DeliveryDiscount[];
  /** Issue 14: what happens to a subscriber who has not consented to a price increase by its first increased notice. */
  readonly priceIncreasePolicy: NonConsentPolicy;
  /** Issue 14: every list-price change, in the order announced (price-change.ts); what unitPriceFor walks. */
  readonly priceChanges?: readonly PriceChange[];
  readonly updatedAt: string;
}

export const DEFAULT_PRICE_INCREASE_POLICY: NonConsentPolicy = 'keep-old-price';

/** The price changes a notice must walk for this product (part B: unitPriceFor(product, cycle, priceChangesOf(product), consents)). */
export function priceChangesOf(product: Pick<Product, 'priceChanges'>): readonly PriceChange[] {
  return product.priceChanges ?? [];
}

/** S13: enabled by the merchant with at least one cycle; S14: never a 1+N event product, whatever its settings. */
export function isSubscribable(product: Product): boolean {
  return product.subscription.enabled && product.subscription.cycles.length > 0 && !product.onePlusNEvent;
}

/** Cycles in the order a buyer reads them (weeks, then months, then a year), whatever order they were saved in. */
export function inCycleOrder(cycles: readonly CycleCode[]): CycleCode[] {
  return CYCLE_CODES.filter((code) => cycles.includes(code));
}

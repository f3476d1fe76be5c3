/**
 * The 30-day consent to a price increase (전자상거래법 시행령, in force since
 * 2025-02-14; issue 14): a recurring payment may only rise with the
 * subscriber's consent, asked at least 30 days before the first increased
 * charge, with how to refuse. A decrease applies at once.
 *
 * A change is recorded once per product when the merchant saves a higher
 * price (or ends a discount): `increaseFrom` is the first payment-notice date
 * the new price may be locked on (the day the buyers are told + 30). Each
 * cycle's unit price is then decided here, when its notice locks it (S18: a
 * cycle noticed before the change keeps its locked amount).
 */
import { addDays, type IsoDate } from '../core/dates.ts';
import { priceForDelivery, type DeliveryPrice, type PricedProduct } from './pricing.ts';

export const CONSENT_DAYS = 30;

/** What the merchant chose for a subscriber who has not consented by the first increased notice. */
export type NonConsentPolicy = 'keep-old-price' | 'end-subscription';

export interface PriceChange {
  /** Deterministic: `${productId}#${announcedOn}#${newPrice}`, so a retried PUT records it once. */
  readonly changeId: string;
  readonly productId: string;
  readonly oldPrice: number;
  readonly newPrice: number;
  /** The day buyers are told (the change notice goes out). */
  readonly announcedOn: IsoDate;
  /** First payment-notice date that may lock the new price: announcedOn + 30 days. Absent for a decrease (at once). */
  readonly increaseFrom?: IsoDate;
  readonly policy: NonConsentPolicy;
  /** When the merchant saved it: a subscription created after it signed up at the new price and is not asked. */
  readonly announcedAt?: string;
}

/** A subscriber's answer to one price change (POST /subscriptions/{id}/price-consent). */
export interface PriceConsent {
  readonly changeId: string;
  readonly accept: boolean;
  readonly at: string;
}

/** An answer as stored: who gave it (the buyer's subject) besides what and when. */
export interface RecordedConsent extends PriceConsent {
  readonly by: string;
}

/** Whether a subscription is asked about a change: it signed up before it was announced (later ones agreed to the new price). */
export function isAskedAbout(subscription: { readonly createdAt: string }, change: PriceChange): boolean {
  return change.announcedAt === undefined || subscription.createdAt <= change.announcedAt;
}

/**
 * The increases a subscription may still answer (POST /subscriptions/{id}/price-consent): on a product it
 * still receives, announced when it had signed up already, and whose increaseFrom is still ahead — from that
 * day the notices lock the price by the answer given (or by the policy), so the answer is final then.
 */
export function pendingPriceChanges(
  subscription: { readonly createdAt: string; readonly items: ReadonlyArray<{ readonly productId: string; readonly status: string }> },
  changes: readonly PriceChange[],
  today: IsoDate,
): PriceChange[] {
  const products = new Set(subscription.items.filter((item) => item.status === 'ACTIVE').map((item) => item.productId));
  return changes.filter((change) => products.has(change.productId) && change.increaseFrom !== undefined && today < change.increaseFrom && isAskedAbout(subscription, change));
}

/** A change record for a product's new list price, announced today; null when the price did not change. */
export function priceChange(productId: string, oldPrice: number, newPrice: number, announcedOn: IsoDate, policy: NonConsentPolicy): PriceChange | null {
  if (oldPrice === newPrice) return null;
  const base = { changeId: `${productId}#${announcedOn}#${newPrice}`, productId, oldPrice, newPrice, announcedOn, policy };
  return newPrice > oldPrice ? { ...base, increaseFrom: addDays(announcedOn, CONSENT_DAYS) } : base;
}

/**
 * Whether a product's new settings make any delivery dearer than before: a higher list price, or a discount
 * reduced or ended (checked for every delivery number either version's rules mention, and the one after).
 */
export function raisesAnyDelivery(before: PricedProduct, after: PricedProduct): boolean {
  const bounds = [...(before.discounts ?? []), ...(after.discounts ?? [])].flatMap((rule) => [rule.fromDelivery, (rule.toDelivery ?? rule.fromDelivery) + 1]);
  const numbers = new Set([1, ...bounds]);
  return [...numbers].some((n) => priceForDelivery(after, n).unitPrice > priceForDelivery(before, n).unitPrice);
}

export interface CycleToPrice {
  /** The payment-notice date that locks this cycle (D-2 of its delivery, after the shop's calendar). */
  readonly noticeDate: IsoDate;
  /** 1 = the subscription's first delivery. */
  readonly deliveryNumber: number;
}

export interface CyclePrice extends DeliveryPrice {
  /** The subscriber did not consent and the merchant ends such subscriptions: end it before this cycle, charge nothing. */
  readonly endSubscription: boolean;
  /** The change whose consent decided this price, when one did. */
  readonly decidedBy?: string;
}

/**
 * The unit price of `product` in one cycle of a subscription, as its notice locks it (part B calls this in the
 * notice run instead of reading `product.price`): the list price walked through the product's changes in the
 * order they were announced — a decrease at once; an increase only from its `increaseFrom` and only with the
 * subscriber's consent, else the old price stays (`keep-old-price`) or the subscription ends before this
 * cycle (`end-subscription`) — then the discount for the delivery number (pricing.ts).
 */
export function unitPriceFor(
  product: PricedProduct & { readonly productId: string },
  cycle: CycleToPrice,
  changes: readonly PriceChange[],
  consents: readonly PriceConsent[],
): CyclePrice {
  const own = changes.filter((change) => change.productId === product.productId).sort((a, b) => (a.announcedOn < b.announcedOn ? -1 : a.announcedOn > b.announcedOn ? 1 : 0));
  let price = own[0]?.oldPrice ?? product.price;
  let endSubscription = false;
  let decidedBy: string | undefined;
  for (const change of own) {
    if (change.newPrice < change.oldPrice) {
      if (change.announcedOn <= cycle.noticeDate) price = Math.min(price, change.newPrice);
      continue;
    }
    if (change.increaseFrom === undefined || cycle.noticeDate < change.increaseFrom) continue;
    const answer = consents.find((consent) => consent.changeId === change.changeId);
    decidedBy = change.changeId;
    if (answer?.accept) price = change.newPrice;
    else if (change.policy === 'end-subscription') endSubscription = true;
  }
  // A price saved without a recorded change (e.g. before this rule existed) is the current one.
  if (own.length === 0) price = product.price;
  return { ...priceForDelivery({ price, ...(product.discounts ? { discounts: product.discounts } : {}) }, cycle.deliveryNumber), endSubscription, ...(decidedBy ? { decidedBy } : {}) };
}

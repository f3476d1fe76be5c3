/**
 * A buyer's subscription (S15) and its delivery cycles (S17–S19). The
 * subscription item is the one mutable source of truth: status, next dates and
 * per-item status all live on it, so every later change (checkout, a run's
 * advance, a cancel) is one conditional write on one item.
 */
import { toCycleView, visibleCycles, type Cycle } from './cycle.ts';
import { expiresBy, type CardExpiry, type YearMonth } from './card-expiry.ts';
import type { CycleCode } from './product.ts';
import { addDays, type IsoDate } from '../core/dates.ts';
import { toHistoryView, type CardChange, type HistoryEntry, type Pause } from './between-deliveries.ts';

/** S9, S16: card payment on the shop's one card PG, or KakaoPay. */
export const PAYMENT_METHODS = ['card', 'kakaopay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

/**
 * COMPLETED (issue 14): every line reached its product's `maxDeliveries`; ended, not cancelled.
 * PAUSED (issue 13): out of every run — no notice, no charge — until resumed (functions/domain/between-deliveries.ts).
 */
export const SUBSCRIPTION_STATUSES = ['PENDING_PAYMENT', 'ACTIVE', 'CANCELLED', 'COMPLETED', 'PAUSED'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const ITEM_STATUSES = ['ACTIVE', 'CANCELLED'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

/** The delivery cycle a buyer picked on the product page (S15): '1w' … '1y'. */
export type { CycleCode };

export interface SubscriptionItem {
  readonly productId: string;
  readonly quantity: number;
  /** S18: a buyer may cancel some items; the others keep going. */
  readonly status: ItemStatus;
}

/** What the buyer's card looks like on screen. The billing key itself lives on its own item (S10), never here. */
export interface MaskedCard {
  readonly issuer: string;
  /** Null for a KakaoPay money registration, which has no card number. */
  readonly last4: string | null;
  /** Issue 14: the month the card expires, where its PG reported it. */
  readonly expiry?: CardExpiry;
}

export interface Contact {
  readonly email: string;
  /** Korean mobile number, e.g. 010-1234-5678 (the payment-notice SMS goes here, S17). */
  readonly phone: string;
}

export interface ShippingAddress {
  readonly recipient: string;
  readonly phone: string;
  readonly postalCode: string;
  readonly address1: string;
  readonly address2?: string;
}

export interface Subscription {
  readonly id: string;
  readonly shopId: string;
  readonly customerId: string;
  readonly status: SubscriptionStatus;
  readonly items: readonly SubscriptionItem[];
  readonly cycle: CycleCode;
  readonly startDate: IsoDate;
  readonly paymentMethod: PaymentMethod;
  /** Null while PENDING_PAYMENT (set by checkout) and after a cancellation. */
  readonly nextDeliveryDate: IsoDate | null;
  /** S17: two days before the delivery date. */
  readonly nextNoticeDate: IsoDate | null;
  /** S17: one day before the delivery date. */
  readonly nextChargeDate: IsoDate | null;
  /**
   * Issue 14: the date the cycle rule gave for the next delivery, when the shop's calendar moved it
   * (absent: nextDeliveryDate itself). The delivery after it is computed from this one and the anchor
   * (startDate), never from the moved date (functions/domain/delivery-calendar.ts nextScheduledDelivery).
   */
  readonly nextNominalDate?: IsoDate;
  /**
   * Issue 14: deliveries charged so far (absent: none). Counted by the advance past a CHARGED cycle, which
   * happens once (conditional on the version and on the next delivery still being that cycle's), or late, once,
   * for a cycle charged after the subscription moved past it (`uncountedDeliveries`); the notice
   * locks the next cycle as delivery number `chargedDeliveries + 1` (discounts by delivery number, maxDeliveries).
   */
  readonly chargedDeliveries?: number;
  /**
   * Delivery dates the subscription moved past UNCOUNTED while their charge was still open (REVIEW, FAILED):
   * counted if charged later — resolved as charged, or a shop's retry that pays — exactly once, by the write
   * that takes the date out (functions/domain/delivery-count.ts). Internal, never shown.
   */
  readonly uncountedDeliveries?: readonly IsoDate[];
  /** COMPLETED: the delivery date of the last charged cycle, and when. */
  readonly completedWith?: IsoDate;
  readonly completedAt?: string;
  /** Ended by the notice run before this delivery (a refused price increase, policy end-subscription). */
  readonly endedBefore?: IsoDate;
  readonly card?: MaskedCard;
  readonly cancelReason?: string;
  /** The stop job (S22) that cancelled it: the job's mail phase finds whom to tell, and a rerun counts it once. */
  readonly stoppedBy?: string;
  /** What it was when the stop cancelled it: an ACTIVE one leaves the S6 active count, a pending one never entered it. */
  readonly stoppedFromStatus?: SubscriptionStatus;
  /** Who to notify (S17) and where to deliver; absent on subscriptions written before signup recorded them. */
  readonly contact?: Contact;
  readonly shippingAddress?: ShippingAddress;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** The PG's handle of the pending registration (KakaoPay's tid from its ready), kept for checkout; never shown. */
  readonly pgSession?: string;
  /** A checkout in flight: which authKey (by digest) and since when; another checkout waits until it ends or goes stale. */
  readonly checkout?: { readonly authKeyDigest: string; readonly at: string };
  /** Optimistic concurrency: every update expects the version it read (a cancel racing a run, two tabs). */
  readonly version?: number;
  /** Issue 13: while PAUSED, how it was paused and when it resumes by itself (functions/domain/between-deliveries.ts). */
  readonly pause?: Pause;
  /** Issue 13: a card change opened (POST /subscriptions/{id}/card) and not finished by its checkout yet. */
  readonly cardChange?: CardChange;
  /** Issue 13: who changed what and when, newest last, the last HISTORY_LIMIT entries (written with the change itself). */
  readonly history?: readonly HistoryEntry[];
}

/** Why a whole subscription ended: the buyer cancelled it (S19), the shop did on the buyer's behalf (issue 13), or the shop's service stopped (S22). */
export type CancelReason = 'CUSTOMER_REQUEST' | 'MERCHANT_REQUEST' | 'SERVICE_STOPPED';

/**
 * The subscription ended as a whole: it and every one of its items are
 * CANCELLED and it has no next delivery, whoever ended it — so a buyer's cancel
 * and a stop (S22) read the same.
 */
export function cancelWhole(subscription: Subscription, reason: CancelReason, at: string): Subscription {
  return {
    ...subscription,
    status: 'CANCELLED',
    items: subscription.items.map((item) => (item.status === 'CANCELLED' ? item : { ...item, status: 'CANCELLED' as const })),
    nextDeliveryDate: null,
    nextNoticeDate: null,
    nextChargeDate: null,
    cancelReason: reason,
    updatedAt: at,
  };
}

/** Why the notice run ended a subscription: the buyer did not consent to a price increase and the product's policy ends it (issue 14). */
export const PRICE_INCREASE_NOT_ACCEPTED = 'PRICE_INCREASE_NOT_ACCEPTED';

/**
 * Issue 14, the 30-day consent: the buyer did not consent to an increase by the notice of the first increased
 * delivery and the product says `end-subscription` — ended (CANCELLED) before that delivery, never announced.
 */
export function endForRefusedIncrease(subscription: Subscription, before: IsoDate, at: string): Subscription {
  const { nextNominalDate: _nominal, ...rest } = subscription;
  return {
    ...rest,
    status: 'CANCELLED',
    items: subscription.items.map((item) => (item.status === 'CANCELLED' ? item : { ...item, status: 'CANCELLED' as const })),
    nextDeliveryDate: null,
    nextNoticeDate: null,
    nextChargeDate: null,
    cancelReason: PRICE_INCREASE_NOT_ACCEPTED,
    endedBefore: before,
    updatedAt: at,
  };
}

/** Issue 14: nothing is left to deliver (every line used its product's maxDeliveries up) when the cycle of `deliveryDate` is priced: COMPLETED without it. */
export function completeBefore(subscription: Subscription, deliveryDate: IsoDate, at: string): Subscription {
  const { nextNominalDate: _nominal, ...rest } = subscription;
  return { ...rest, status: 'COMPLETED', nextDeliveryDate: null, nextNoticeDate: null, nextChargeDate: null, completedWith: deliveryDate, completedAt: at, updatedAt: at };
}

/** The subscription's end, reached by a run (completed, or ended for a refused increase) at `deliveryDate`: its follow-ups are still owed. */
export function endedByRunAt(subscription: Subscription | undefined, deliveryDate: IsoDate): 'completed' | 'price-refused' | undefined {
  if (subscription?.status === 'COMPLETED' && subscription.completedWith === deliveryDate) return 'completed';
  if (subscription?.status === 'CANCELLED' && subscription.cancelReason === PRICE_INCREASE_NOT_ACCEPTED && subscription.endedBefore === deliveryDate) return 'price-refused';
  return undefined;
}

/** S17: the payment notice goes out two days before a delivery, the charge one day before. */
export function scheduleFor(deliveryDate: IsoDate): { nextDeliveryDate: IsoDate; nextNoticeDate: IsoDate; nextChargeDate: IsoDate } {
  return { nextDeliveryDate: deliveryDate, nextNoticeDate: addDays(deliveryDate, -2), nextChargeDate: addDays(deliveryDate, -1) };
}

export interface SubscriptionWithCycles extends Subscription {
  /** Oldest first. */
  readonly cycles: readonly Cycle[];
}

/** Issue 13: an email as the merchant's search matches it — trimmed, lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Issue 13: a phone number as the merchant's search matches it — digits only, +82 10… read as 010…. */
export function normalisePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.startsWith('82') && digits.length >= 11 ? `0${digits.slice(2)}` : digits;
}

/** The buyer's contact details, normalised, that the merchant's search finds the subscription by (its contact pointers). */
export function contactKeys(subscription: Pick<Subscription, 'contact'>): Array<{ kind: 'EMAIL' | 'PHONE'; value: string }> {
  if (!subscription.contact) return [];
  const email = normaliseEmail(subscription.contact.email);
  const phone = normalisePhone(subscription.contact.phone);
  return [...(email ? [{ kind: 'EMAIL' as const, value: email }] : []), ...(phone ? [{ kind: 'PHONE' as const, value: phone }] : [])];
}

/** The filters of a shop's subscription list (S20); next-delivery bounds are inclusive. */
export interface SubscriptionFilter {
  /** Only subscriptions with a cycle in this state (REVIEW: an operator must resolve it). */
  readonly cycleStatus?: 'REVIEW';
  readonly status?: SubscriptionStatus;
  readonly customerId?: string;
  readonly productId?: string;
  readonly nextDeliveryFrom?: IsoDate;
  readonly nextDeliveryTo?: IsoDate;
  /** Issue 14: ACTIVE subscriptions whose card expires in or before this month (`YYYY-MM`). */
  readonly cardExpiringBy?: YearMonth;
  /** Issue 13: the buyer's contact email, exact match after `normaliseEmail`. */
  readonly email?: string;
  /** Issue 13: the buyer's contact phone, exact match after `normalisePhone`. */
  readonly phone?: string;
}

/**
 * Whether a subscription passes a filter. The list queries push what they can
 * into DynamoDB; this is the same rule, for what must be checked in memory
 * (the by-product index holds line items only) and for tests.
 * A product filter matches a subscription that contains the product, whatever
 * that item's own status.
 */
export function matchesFilter(subscription: Subscription, filter: SubscriptionFilter): boolean {
  if (filter.status !== undefined && subscription.status !== filter.status) return false;
  if (filter.customerId !== undefined && subscription.customerId !== filter.customerId) return false;
  if (filter.email !== undefined && (!subscription.contact || normaliseEmail(subscription.contact.email) !== normaliseEmail(filter.email))) return false;
  if (filter.phone !== undefined && (!subscription.contact || normalisePhone(subscription.contact.phone) !== normalisePhone(filter.phone))) return false;
  if (filter.productId !== undefined && !subscription.items.some((item) => item.productId === filter.productId)) return false;
  // Only a live subscription's card matters: a cancelled one will never be charged again.
  if (filter.cardExpiringBy !== undefined && (subscription.status !== 'ACTIVE' || !expiresBy(subscription.card?.expiry, filter.cardExpiringBy))) return false;
  if (filter.nextDeliveryFrom !== undefined || filter.nextDeliveryTo !== undefined) {
    const date = subscription.nextDeliveryDate;
    if (date === null) return false;
    if (filter.nextDeliveryFrom !== undefined && date < filter.nextDeliveryFrom) return false;
    if (filter.nextDeliveryTo !== undefined && date > filter.nextDeliveryTo) return false;
  }
  return true;
}

/**
 * The contract's Subscription shape, for the admin and storefront alike. Fields
 * are picked one by one so that what is added to the entity later (contact,
 * shipping address, TTL) is not shown until someone decides it should be.
 */
export function toSubscriptionView(subscription: Subscription) {
  const { id, shopId, status, customerId, items, cycle, startDate, paymentMethod, nextDeliveryDate, nextNoticeDate, nextChargeDate, card, cancelReason, contact, shippingAddress, createdAt, updatedAt } =
    subscription;
  return {
    id,
    shopId,
    status,
    customerId,
    items: items.map(({ productId, quantity, status: itemStatus }) => ({ productId, quantity, status: itemStatus })),
    cycle,
    startDate,
    paymentMethod,
    nextDeliveryDate,
    nextNoticeDate,
    nextChargeDate,
    ...(card ? { card: { issuer: card.issuer, last4: card.last4, ...(card.expiry ? { expiry: { year: card.expiry.year, month: card.expiry.month } } : {}) } } : {}),
    ...(cancelReason !== undefined ? { cancelReason } : {}),
    ...(subscription.chargedDeliveries !== undefined ? { chargedDeliveries: subscription.chargedDeliveries } : {}),
    ...(subscription.completedAt !== undefined ? { completedAt: subscription.completedAt } : {}),
    // The merchant ships to this address and the buyer checks it; both see it.
    ...(contact ? { contact: { email: contact.email, phone: contact.phone } } : {}),
    ...(shippingAddress ? { shippingAddress: { ...shippingAddress } } : {}),
    ...(subscription.pause && status === 'PAUSED' ? { pause: { since: subscription.pause.since, ...(subscription.pause.until !== undefined ? { until: subscription.pause.until } : {}), ...(subscription.pause.cycles !== undefined ? { cycles: subscription.pause.cycles } : {}), ...(subscription.pause.resumesOn !== undefined ? { resumesOn: subscription.pause.resumesOn } : {}) } } : {}),
    createdAt,
    updatedAt,
  };
}

export function toSubscriptionDetailView(subscription: SubscriptionWithCycles) {
  // Oldest first; a planned (SCHEDULED) delivery is not a cycle the contract shows — its dates are the subscription's next ones.
  return { ...toSubscriptionView(subscription), cycles: visibleCycles(subscription.cycles).map(toCycleView), history: toHistoryView(subscription.history) };
}

/**
 * A buyer's subscription (S15) and its delivery cycles (S17–S19). The
 * subscription item is the one mutable source of truth: status, next dates and
 * per-item status all live on it, so every later change (checkout, a run's
 * advance, a cancel) is one conditional write on one item.
 */
import type { PaymentProvider } from './billing-key.ts';
import { expiresBy, type CardExpiry, type YearMonth } from './card-expiry.ts';
import type { CycleCode } from './product.ts';
import { addDays, seoulDate, seoulTimestamp, type IsoDate } from '../core/dates.ts';

/** S9, S16: card payment on the shop's one card PG, or KakaoPay. */
export const PAYMENT_METHODS = ['card', 'kakaopay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const SUBSCRIPTION_STATUSES = ['PENDING_PAYMENT', 'ACTIVE', 'CANCELLED'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];

export const ITEM_STATUSES = ['ACTIVE', 'CANCELLED'] as const;
export type ItemStatus = (typeof ITEM_STATUSES)[number];

export const CYCLE_STATUSES = ['NOTICED', 'CHARGED', 'SKIPPED', 'FAILED', 'CANCELLED'] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

/**
 * What a cycle's `status` may hold in storage: the contract's statuses plus the
 * charge run's internal ones (functions/use-cases/runs/charge.ts), which the
 * public view shows as NOTICED:
 * - CHARGING: an attempt is at the PG (or its outcome is unknown); nothing but
 *   the charge run may move it, so a cancel can no longer skip it (S19 race).
 * - REVIEW: the outcome could not be determined (a PG without lookup, or still
 *   unknown past the retry window); an operator decides.
 */
export type CycleState = CycleStatus | 'CHARGING' | 'REVIEW';

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
  /**
   * The delivery date whose payment notice has gone out (its cycle exists).
   * While it equals nextDeliveryDate the subscription is out of the due NOTICE
   * index; the charge run's advance to the next delivery puts it back.
   */
  readonly noticedDeliveryDate?: IsoDate;
  /** The PG's handle of the pending registration (KakaoPay's tid from its ready), kept for checkout; never shown. */
  readonly pgSession?: string;
  /** A checkout in flight: which authKey (by digest) and since when; another checkout waits until it ends or goes stale. */
  readonly checkout?: { readonly authKeyDigest: string; readonly at: string };
  /** Optimistic concurrency: every update expects the version it read (a cancel racing a run, two tabs). */
  readonly version?: number;
}

/** Why a whole subscription ended: the buyer cancelled it (S19), or the shop's service stopped (S22). */
export type CancelReason = 'CUSTOMER_REQUEST' | 'SERVICE_STOPPED';

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

/** S17: the payment notice goes out two days before a delivery, the charge one day before. */
export function scheduleFor(deliveryDate: IsoDate): { nextDeliveryDate: IsoDate; nextNoticeDate: IsoDate; nextChargeDate: IsoDate } {
  return { nextDeliveryDate: deliveryDate, nextNoticeDate: addDays(deliveryDate, -2), nextChargeDate: addDays(deliveryDate, -1) };
}

export interface CycleLine {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPrice: number;
}

/** A declined (or otherwise failed) charge attempt, as the PG explained it. */
export interface ChargeFailure {
  /** The PG's decline code, or ours (NO_BILLING_KEY, …). */
  readonly code: string;
  /** Ours, in Korean (functions/adapters/gateways/declines.ts): what buyers and the API see. */
  readonly message: string;
  /** The PG's own text, capped: for the operator's mail only, never shown to a buyer. */
  readonly detail?: string;
  readonly at: string;
  readonly attempt: number;
}

/** One delivery: fixed when its payment notice goes out (S18), keyed by its delivery date. */
export interface Cycle {
  readonly subscriptionId: string;
  readonly deliveryDate: IsoDate;
  readonly noticeDate: IsoDate;
  readonly chargeDate: IsoDate;
  readonly status: CycleState;
  /** Integer KRW, announced in the notice and charged as announced (S18). */
  readonly amount: number;
  readonly items: readonly CycleLine[];

  // The charge run's bookkeeping (functions/use-cases/runs/charge.ts); absent until the first attempt.
  /** Charge attempts started; the current (or last) attempt is number `attempts`. */
  readonly attempts?: number;
  /** The provider the current attempt went to (the shop's PG may change later). */
  readonly provider?: PaymentProvider;
  /** The merchant order id and idempotency key of the current attempt, derived from (subscription, delivery date, attempt). */
  readonly orderId?: string;
  readonly idempotencyKey?: string;
  readonly orderName?: string;
  /** When the current attempt was claimed (wall clock): a CHARGING younger than the lease may still be at the PG. */
  readonly chargingSince?: string;
  /**
   * The charge run at which the worker acts on this cycle again: the next
   * attempt after a decline (NOTICED), the look-up of an unknown outcome
   * (CHARGING), the unfinished follow-ups of an outcome. The due CHARGE index
   * holds the cycle under this instant's Seoul date.
   */
  readonly nextAttemptAt?: string;
  readonly lastFailure?: ChargeFailure;
  readonly paymentKey?: string;
  readonly approvedAt?: string;
  readonly chargedAt?: string;
  readonly failedAt?: string;
  readonly reviewReason?: string;
  /** The shop, recorded when the cycle enters REVIEW: puts it in the shop's review list (gsi4). */
  readonly shopId?: string;
  /** How an operator closed a REVIEW (POST …/cycles/{deliveryDate}/resolve), once. */
  readonly resolution?: { readonly outcome: 'charged' | 'not-charged'; readonly at: string; readonly by: string; readonly pgReference?: string };
  /**
   * CHARGED or FAILED, with the steps after it (order, event, mails, the
   * subscription's advance) not all done yet: the cycle stays in the due index
   * until they are, so a lost message cannot leave a paid order unshipped.
   */
  readonly followUpsPending?: boolean;
}

/**
 * The Seoul date under which a cycle waits in the due CHARGE index (S17), or
 * null when the charge run has nothing left to do for it: NOTICED (first
 * attempt on its charge date, a retry on its next attempt's date), CHARGING
 * (looked up at the next run if it is still there), and CHARGED or FAILED
 * while their follow-ups are pending.
 */
export function chargeDueDate(cycle: Cycle): IsoDate | null {
  const { status } = cycle;
  const waiting = status === 'NOTICED' || status === 'CHARGING' || ((status === 'CHARGED' || status === 'FAILED') && cycle.followUpsPending === true);
  if (!waiting) return null;
  return cycle.nextAttemptAt !== undefined ? seoulDate(new Date(cycle.nextAttemptAt)) : cycle.chargeDate;
}

export interface SubscriptionWithCycles extends Subscription {
  /** Oldest first. */
  readonly cycles: readonly Cycle[];
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
    // The merchant ships to this address and the buyer checks it; both see it.
    ...(contact ? { contact: { email: contact.email, phone: contact.phone } } : {}),
    ...(shippingAddress ? { shippingAddress: { ...shippingAddress } } : {}),
    createdAt,
    updatedAt,
  };
}

/** The contract knows five statuses: the charge run's internal states are still NOTICED to callers. */
export function publicCycleStatus(status: CycleState): CycleStatus {
  return status === 'CHARGING' || status === 'REVIEW' ? 'NOTICED' : status;
}

/** Where an unfinished charge stands, as an addition to the contract's status. */
export type ChargeProgress = 'CHARGING' | 'RETRY_SCHEDULED' | 'MANUAL_REVIEW';

function chargeProgressOf(cycle: Cycle): ChargeProgress | undefined {
  if (cycle.status === 'CHARGING') return 'CHARGING';
  if (cycle.status === 'REVIEW') return 'MANUAL_REVIEW';
  if (cycle.status === 'NOTICED' && cycle.nextAttemptAt !== undefined) return 'RETRY_SCHEDULED';
  return undefined;
}

/**
 * The contract's Cycle shape, plus (additions) how many charge attempts were
 * made, the last failure, and where an unfinished charge stands. Order ids,
 * payment keys and idempotency keys stay internal.
 */
export function toCycleView(cycle: Cycle) {
  const { deliveryDate, noticeDate, chargeDate, status, amount, items, attempts, lastFailure, nextAttemptAt, chargedAt } = cycle;
  const progress = chargeProgressOf(cycle);
  return {
    deliveryDate,
    noticeDate,
    chargeDate,
    status: publicCycleStatus(status),
    amount,
    items: items.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice })),
    ...(attempts !== undefined && attempts > 0 ? { attempts } : {}),
    ...(lastFailure ? { lastFailure: { code: lastFailure.code, message: lastFailure.message, at: lastFailure.at } } : {}),
    ...(progress ? { chargeProgress: progress } : {}),
    // Stored as any ISO instant; shown in Asia/Seoul like every other timestamp.
    ...(progress === 'RETRY_SCHEDULED' && nextAttemptAt !== undefined ? { nextAttemptAt: seoulTimestamp(new Date(nextAttemptAt)) } : {}),
    ...(status === 'CHARGED' && chargedAt !== undefined ? { chargedAt } : {}),
    ...(cycle.reviewReason !== undefined && status === 'REVIEW' ? { reviewReason: cycle.reviewReason } : {}),
    ...(cycle.resolution ? { resolution: { outcome: cycle.resolution.outcome, at: cycle.resolution.at } } : {}),
  };
}

export function toSubscriptionDetailView(subscription: SubscriptionWithCycles) {
  return { ...toSubscriptionView(subscription), cycles: subscription.cycles.map(toCycleView) };
}

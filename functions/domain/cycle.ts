/**
 * One delivery of a subscription (S17–S19) as a pure state machine: what the
 * daily runs may do to a cycle, decided here and written by the adapters as
 * one conditional write (`Transition.expect` is the write's condition), so a
 * stale read or a racing writer can never apply a step to a state it was not
 * computed from.
 *
 * | from | event | to |
 * | --- | --- | --- |
 * | — | schedule (checkout, the notice of the cycle before, an advance) | SCHEDULED (due NOTICE on its notice date) |
 * | SCHEDULED | lock (the notice run: S18 amount fixed, notice intents, SMS credit block bound) | NOTICING (still due NOTICE) |
 * | SCHEDULED | lock with nothing left to sell | SKIPPED |
 * | SCHEDULED | lock with nothing to send (S11: both channels off) | NOTICED |
 * | NOTICING | resend (a dead attempt's notices again) | NOTICING |
 * | NOTICING | settle (every channel final) | NOTICED (due CHARGE on its charge date) |
 * | NOTICED | claim (due, chargeable) | CHARGING attempt n+1 |
 * | NOTICED | notChargeable (no payment method / billing key) | FAILED |
 * | NOTICING, NOTICED | skip (S19: nothing announced still wanted) | SKIPPED |
 * | SCHEDULED, NOTICING, NOTICED | skip (issue 13: the buyer skips this delivery; after the notice, S19) | SKIPPED |
 * | NOTICING, NOTICED | cancel (the service stopped, S22) | CANCELLED |
 * | CHARGING | takeOver (a dead worker's claim, past the lease) | CHARGING |
 * | CHARGING | paid | CHARGED (listed as an order) |
 * | CHARGING | declined, a run left in the window | NOTICED (retry at that run) |
 * | CHARGING | declined, no run left | FAILED |
 * | CHARGING | review (cannot look up / still unknown at the end) | REVIEW |
 * | REVIEW | resolve (an operator; POST …/cycles/{deliveryDate}/resolve) | CHARGED or FAILED |
 * | FAILED | retry (the shop; POST …/cycles/{deliveryDate}/retry) | CHARGING attempt n+1 |
 *
 * Every other (state, event) pair is refused. A SCHEDULED cycle whose plan no
 * longer holds (a cancel, a stop) is withdrawn — deleted: it was never announced
 * (`noticeStep`); a late one is moved
 * (`lateShift`). Dates are Seoul calendar dates, instants ISO 8601 with the
 * Seoul offset.
 */
import { createHash } from 'node:crypto';
import { addDays, seoulDate, seoulTimestamp, type IsoDate } from '../core/dates.ts';
import type { PaymentProvider } from './billing-key.ts';
import { passedUncounted } from './delivery-count.ts';
import { DEFAULT_DELIVERY_CALENDAR, nextScheduledDeliveryOrUnchecked, shiftDeliveryOrUnchecked, type DeliveryCalendar, type PlannedDelivery } from './delivery-calendar.ts';
import type { ShippingAddress, Subscription } from './subscription.ts';

export const CYCLE_STATES = ['SCHEDULED', 'NOTICING', 'NOTICED', 'CHARGING', 'CHARGED', 'FAILED', 'SKIPPED', 'CANCELLED', 'REVIEW'] as const;
export type CycleState = (typeof CYCLE_STATES)[number];

/** The statuses the contract shows (SCHEDULED cycles are not shown; NOTICING, CHARGING and REVIEW read NOTICED). */
export const CYCLE_STATUSES = ['NOTICED', 'CHARGED', 'SKIPPED', 'FAILED', 'CANCELLED'] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

export interface CycleLine {
  readonly productId: string;
  readonly quantity: number;
  /** What one unit is charged: the list price less the delivery's discount (issue 14, pricing.ts). */
  readonly unitPrice: number;
  /** Issue 14: the list price the notice locked (after the price-change rules), and the discount taken off it, per unit. */
  readonly listPrice?: number;
  readonly discount?: number;
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

/** How an operator closed a REVIEW (POST …/cycles/{deliveryDate}/resolve), once. */
export interface Resolution {
  readonly outcome: ReviewOutcome;
  readonly at: string;
  /** Who resolved it (the admin's subject). */
  readonly by: string;
  readonly pgReference?: string;
}

export type ReviewOutcome = 'charged' | 'not-charged';

/** The code a not-charged resolution records as the cycle's failure. */
export const NOT_CHARGED_AFTER_REVIEW = 'NOT_CHARGED_AFTER_REVIEW';

export type NoticeChannel = 'mail' | 'sms';

/**
 * One channel of the payment notice: SENDING is the intent recorded before the
 * provider is called; SENT, NO_CREDIT (S12), OFF (S11) and NO_ADDRESS are final.
 */
export type ChannelState = 'SENDING' | 'SENT' | 'NO_CREDIT' | 'OFF' | 'NO_ADDRESS';

export interface ChannelNotice {
  readonly state: ChannelState;
  /** Attempts so far (0 for OFF and NO_ADDRESS). */
  readonly attempts: number;
  /** When the current attempt began (or the state was decided). */
  readonly at: string;
  /** SENT: the provider's message id. */
  readonly messageId?: string;
}

export interface CycleNotice {
  readonly mail: ChannelNotice;
  readonly sms: ChannelNotice;
  /** S12: the credit block the SMS is paid from, bound before the credit is consumed (one block per operation). */
  readonly smsBlock?: string;
}

export interface Cycle {
  readonly subscriptionId: string;
  readonly shopId: string;
  readonly customerId: string;
  readonly deliveryDate: IsoDate;
  /** S17: two days before the delivery (the day of the notice run that takes it). */
  readonly noticeDate: IsoDate;
  /** S17: one day before the delivery. */
  readonly chargeDate: IsoDate;
  readonly status: CycleState;
  /** Integer KRW, announced in the notice and charged as announced (S18); 0 until locked. */
  readonly amount: number;
  readonly items: readonly CycleLine[];
  /** What the PG shows the buyer ("Beans 1kg 외 1건"), fixed with the amount. */
  readonly orderName?: string;
  /** The notice's channels, from the lock on. */
  readonly notice?: CycleNotice;
  /** The delivery after this one, planned (and scheduled) when this one was locked. */
  readonly followingDeliveryDate?: IsoDate;
  /** A late notice moved this cycle: the delivery date it was planned for. */
  readonly movedFrom?: IsoDate;
  /**
   * Issue 14: the date the cycle rule gave (from the subscription's anchor) when the shop's calendar or a late
   * notice moved the delivery; absent: the delivery date itself. The delivery after it is computed from this.
   */
  readonly nominalDate?: IsoDate;
  /** The public-holiday data did not reach this date when it was planned: planned without the holiday check (the operator was told). */
  readonly holidaysUnchecked?: boolean;
  /** Issue 14, fixed by the lock: which delivery of the subscription this is (1 = the first charged one + …). */
  readonly deliveryNumber?: number;
  /** Issue 14, fixed by the lock: every line reached its product's maxDeliveries — charged, the subscription is COMPLETED. */
  readonly finalDelivery?: boolean;
  /** The nominal date of the following delivery, when the calendar moved it. */
  readonly followingNominalDate?: IsoDate;

  // The charge run's bookkeeping; absent until the first attempt.
  /** Charge attempts started; the current (or last) attempt is number `attempts`. */
  readonly attempts?: number;
  /** The provider the current attempt went to (the shop's PG may change later). */
  readonly provider?: PaymentProvider;
  readonly orderId?: string;
  readonly idempotencyKey?: string;
  /** When the current attempt was claimed: a CHARGING younger than the lease may still be at the PG. */
  readonly chargingSince?: string;
  /** The charge run that acts on this cycle next (a retry, the look-up of an unknown outcome). */
  readonly nextAttemptAt?: string;
  readonly lastFailure?: ChargeFailure;
  readonly paymentKey?: string;
  readonly approvedAt?: string;
  readonly chargedAt?: string;
  readonly failedAt?: string;
  readonly reviewReason?: string;
  /** How an operator closed a REVIEW, once. */
  readonly resolution?: Resolution;
  /** CHARGED: where the order ships (the subscription's address when it was charged). */
  readonly shippingAddress?: ShippingAddress;
  /** SKIPPED or CANCELLED: why. */
  readonly endReason?: 'NOTHING_TO_CHARGE' | 'NOTHING_WANTED' | 'SERVICE_STOPPED' | 'SKIPPED_BY_BUYER';
}

/** Which cycle: what queue messages and reads carry. */
export interface CycleRef {
  readonly subscriptionId: string;
  readonly deliveryDate: IsoDate;
}

/** What a write of the next state must still find (its condition). */
export interface Expectation {
  readonly status: CycleState;
  /**
   * The charge attempt counter as read (0 matches a cycle never attempted), from NOTICED on. A cycle before it
   * (SCHEDULED, NOTICING) is never attempted — only a charge counts — so its status (and a notice's attempts) is the claim.
   */
  readonly attempts?: number;
  /** The claim time as read: of two workers taking over the same stale claim, one wins. */
  readonly chargingSince?: string;
  /** A notice in progress: its channels' attempts as read (two workers resuming the same notice: one wins). */
  readonly noticeAttempts?: { readonly mail: number; readonly sms: number };
}

export type Transition = { readonly ok: true; readonly next: Cycle; readonly expect: Expectation } | { readonly ok: false; readonly reason: string };

/** The result of a payment, as the PG reported it. */
export interface Payment {
  readonly paymentKey: string;
  readonly approvedAt: string;
}

export type CycleEvent =
  | {
      readonly type: 'lock';
      readonly lines: readonly CycleLine[];
      readonly orderName: string;
      readonly notice: CycleNotice;
      readonly following: IsoDate;
      /** The following delivery's nominal date, when the calendar moved it. */
      readonly followingNominal?: IsoDate;
      readonly deliveryNumber?: number;
      readonly finalDelivery?: boolean;
    }
  | { readonly type: 'resend'; readonly notice: CycleNotice }
  | { readonly type: 'settle'; readonly notice: CycleNotice }
  | { readonly type: 'claim'; readonly provider: PaymentProvider; readonly at: Date; readonly nextRun: Date }
  | { readonly type: 'notChargeable'; readonly failure: Omit<ChargeFailure, 'attempt'> }
  | { readonly type: 'skip'; readonly reason: 'NOTHING_WANTED' | 'SKIPPED_BY_BUYER' }
  | { readonly type: 'cancel'; readonly reason: 'SERVICE_STOPPED' }
  | { readonly type: 'takeOver'; readonly at: Date; readonly nextRun: Date }
  | { readonly type: 'paid'; readonly payment: Payment; readonly at: Date; readonly shippingAddress?: ShippingAddress }
  | { readonly type: 'declined'; readonly failure: Omit<ChargeFailure, 'attempt'>; readonly retryAt: Date | null }
  | { readonly type: 'review'; readonly reason: string }
  | { readonly type: 'resolve'; readonly resolution: Resolution }
  /** Issue 13: the shop charges a FAILED cycle once more, now — a claim like the charge run's (attempt n+1, its own order id). */
  | { readonly type: 'retry'; readonly provider: PaymentProvider; readonly at: Date; readonly nextRun: Date };

export type CycleEventType = CycleEvent['type'];

/** The states each event may start from. */
export const EVENT_SOURCES: { readonly [E in CycleEventType]: readonly CycleState[] } = {
  lock: ['SCHEDULED'],
  resend: ['NOTICING'],
  settle: ['NOTICING'],
  claim: ['NOTICED'],
  notChargeable: ['NOTICED'],
  skip: ['SCHEDULED', 'NOTICING', 'NOTICED'],
  cancel: ['NOTICING', 'NOTICED'],
  takeOver: ['CHARGING'],
  paid: ['CHARGING'],
  declined: ['CHARGING'],
  review: ['CHARGING'],
  resolve: ['REVIEW'],
  retry: ['FAILED'],
};

const FINAL_CHANNEL_STATES: readonly ChannelState[] = ['SENT', 'NO_CREDIT', 'OFF', 'NO_ADDRESS'];

/** Every channel has its final state: the notice is confirmed (and the cycle may be charged). */
export function noticeSettled(notice: CycleNotice): boolean {
  return FINAL_CHANNEL_STATES.includes(notice.mail.state) && FINAL_CHANNEL_STATES.includes(notice.sms.state);
}

/** Drops the bookkeeping of one charge attempt (the cycle then waits for the next, or is over). */
function withoutAttempt(cycle: Cycle): Cycle {
  const { orderId: _o, idempotencyKey: _i, chargingSince: _c, provider: _p, nextAttemptAt: _n, ...rest } = cycle;
  return rest;
}

const claimOf = (cycle: Cycle): Expectation => ({
  status: cycle.status,
  ...(cycle.status === 'SCHEDULED' || cycle.status === 'NOTICING' ? {} : { attempts: cycle.attempts ?? 0 }),
  ...(cycle.chargingSince !== undefined ? { chargingSince: cycle.chargingSince } : {}),
  ...(cycle.status === 'NOTICING' && cycle.notice ? { noticeAttempts: { mail: cycle.notice.mail.attempts, sms: cycle.notice.sms.attempts } } : {}),
});

/**
 * Applies an event to a cycle: the next state and the condition its write
 * needs, or why the event does not apply to this state.
 */
export function transition(cycle: Cycle, event: CycleEvent): Transition {
  if (!EVENT_SOURCES[event.type].includes(cycle.status)) return { ok: false, reason: `${event.type} does not apply to a ${cycle.status} cycle` };
  const expect = claimOf(cycle);
  const ok = (next: Cycle, condition: Expectation = expect): Transition => ({ ok: true, next, expect: condition });
  switch (event.type) {
    case 'lock': {
      if (event.lines.length === 0) return ok({ ...cycle, status: 'SKIPPED', amount: 0, items: [], endReason: 'NOTHING_TO_CHARGE' });
      return ok({
        ...cycle,
        // Both channels off (S11) or without an address: nothing to send, announced as far as the shop wants.
        status: noticeSettled(event.notice) ? 'NOTICED' : 'NOTICING',
        items: event.lines,
        amount: event.lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0),
        orderName: event.orderName,
        notice: event.notice,
        followingDeliveryDate: event.following,
        ...(event.followingNominal !== undefined && event.followingNominal !== event.following ? { followingNominalDate: event.followingNominal } : {}),
        ...(event.deliveryNumber !== undefined ? { deliveryNumber: event.deliveryNumber } : {}),
        ...(event.finalDelivery ? { finalDelivery: true } : {}),
      });
    }
    case 'resend':
      return ok({ ...cycle, notice: event.notice });
    case 'settle':
      if (!noticeSettled(event.notice)) return { ok: false, reason: 'a channel of the notice is not final yet' };
      return ok({ ...cycle, status: 'NOTICED', notice: event.notice });
    case 'claim':
    case 'retry': {
      const attempt = (cycle.attempts ?? 0) + 1;
      // A retried FAILED cycle keeps its last failure (shown until it is charged) but is no longer failed.
      const { failedAt: _failedAt, ...open } = withoutAttempt(cycle);
      return ok({
        ...open,
        status: 'CHARGING',
        attempts: attempt,
        provider: event.provider,
        orderId: orderIdFor(cycle.subscriptionId, cycle.deliveryDate, attempt),
        idempotencyKey: idempotencyKeyFor(cycle.subscriptionId, cycle.deliveryDate, attempt),
        chargingSince: seoulTimestamp(event.at),
        // If this worker dies, the next run finds the cycle under that run's date and looks the order up.
        nextAttemptAt: seoulTimestamp(event.nextRun),
      });
    }
    case 'notChargeable':
      return ok({ ...withoutAttempt(cycle), status: 'FAILED', lastFailure: { ...event.failure, attempt: cycle.attempts ?? 0 }, failedAt: event.failure.at });
    case 'skip':
    case 'cancel': {
      const ended = { ...withoutAttempt(cycle), endReason: event.reason };
      return ok({ ...ended, status: event.type === 'skip' ? 'SKIPPED' : 'CANCELLED' });
    }
    case 'takeOver':
      return ok({ ...cycle, chargingSince: seoulTimestamp(event.at), nextAttemptAt: seoulTimestamp(event.nextRun) });
    case 'paid': {
      const { chargingSince: _since, nextAttemptAt: _next, ...rest } = cycle;
      return ok({
        ...rest,
        status: 'CHARGED',
        paymentKey: event.payment.paymentKey,
        approvedAt: event.payment.approvedAt,
        chargedAt: seoulTimestamp(event.at),
        ...(event.shippingAddress ? { shippingAddress: event.shippingAddress } : {}),
      });
    }
    case 'declined': {
      const failure: ChargeFailure = { ...event.failure, attempt: cycle.attempts ?? 0 };
      if (event.retryAt) return ok({ ...withoutAttempt(cycle), status: 'NOTICED', lastFailure: failure, nextAttemptAt: seoulTimestamp(event.retryAt) });
      const { chargingSince: _since, nextAttemptAt: _next, ...rest } = cycle;
      return ok({ ...rest, status: 'FAILED', lastFailure: failure, failedAt: failure.at });
    }
    case 'review': {
      const { chargingSince: _since, nextAttemptAt: _next, ...rest } = cycle;
      return ok({ ...rest, status: 'REVIEW', reviewReason: event.reason });
    }
    case 'resolve': {
      const { resolution } = event;
      const { reviewReason: _reason, ...rest } = cycle;
      if (resolution.outcome === 'charged') {
        return ok({ ...rest, status: 'CHARGED', resolution, paymentKey: resolution.pgReference ?? `manual-${cycle.orderId ?? cycle.deliveryDate}`, approvedAt: resolution.at, chargedAt: resolution.at });
      }
      return ok({
        ...rest,
        status: 'FAILED',
        resolution,
        failedAt: resolution.at,
        lastFailure: { code: NOT_CHARGED_AFTER_REVIEW, message: 'The payment was not taken (confirmed by the shop after a review).', at: resolution.at, attempt: cycle.attempts ?? 0 },
      });
    }
  }
}

/** True when this cycle was already resolved with this outcome: a repeat answers the same, changes nothing. */
export function alreadyResolved(cycle: Cycle, outcome: ReviewOutcome): boolean {
  return cycle.resolution?.outcome === outcome && (cycle.status === 'CHARGED' || cycle.status === 'FAILED');
}

// ---- Scheduling: the plan of a delivery, and when it no longer holds ----

/** S17: the notice two days before a delivery, the charge one day before. */
export function datesFor(deliveryDate: IsoDate): { deliveryDate: IsoDate; noticeDate: IsoDate; chargeDate: IsoDate } {
  return { deliveryDate, noticeDate: addDays(deliveryDate, -2), chargeDate: addDays(deliveryDate, -1) };
}

/**
 * The planned cycle of a subscription's delivery: due for its notice on its notice date (D-2 of the delivery
 * as the shop's calendar moved it). A plain date is a delivery the calendar did not move.
 */
export function scheduledCycle(subscription: Pick<Subscription, 'id' | 'shopId' | 'customerId'>, delivery: IsoDate | PlannedDelivery): Cycle {
  const planned: PlannedDelivery = typeof delivery === 'string' ? { deliveryDate: delivery, nominalDate: delivery } : delivery;
  return {
    subscriptionId: subscription.id,
    shopId: subscription.shopId,
    customerId: subscription.customerId,
    ...datesFor(planned.deliveryDate),
    status: 'SCHEDULED',
    amount: 0,
    items: [],
    ...(planned.nominalDate !== planned.deliveryDate ? { nominalDate: planned.nominalDate } : {}),
    ...(planned.holidaysUnchecked ? { holidaysUnchecked: true } : {}),
  };
}

/** The delivery a cycle stands for: its date and the cycle rule's (nominal) date the next one is computed from. */
export function plannedOf(cycle: Pick<Cycle, 'deliveryDate' | 'nominalDate'>): PlannedDelivery {
  return { deliveryDate: cycle.deliveryDate, nominalDate: cycle.nominalDate ?? cycle.deliveryDate };
}

/**
 * The late-notice rule (S17, issue 17): a payment notice gives the buyer at
 * least a day before the charge. A notice that goes out on `day`, after the
 * cycle's notice date, moves the cycle by its lateness — notice `day`, charge
 * the day after, delivery the day after that — instead of charging on a date
 * the buyer was not told in time. Undefined when the notice is on time.
 * The new delivery is a day the shop delivers on (issue 14's calendar): the
 * first one from the day after the charge on, never earlier (then the charge
 * and the notice dates follow it, and the notice going out today is early);
 * beyond the holiday data, by its weekday rules, as every plan the runs make.
 */
export function lateShift(
  cycle: Pick<Cycle, 'noticeDate' | 'deliveryDate'>,
  day: IsoDate,
  calendar: DeliveryCalendar = DEFAULT_DELIVERY_CALENDAR,
): { deliveryDate: IsoDate; noticeDate: IsoDate; chargeDate: IsoDate } | undefined {
  if (day <= cycle.noticeDate) return undefined;
  const earliest = addDays(day, 2);
  return datesFor(shiftDeliveryOrUnchecked(earliest, calendar, { notBefore: earliest }).deliveryDate);
}

/** What the notice run does with a SCHEDULED or NOTICING cycle, given the subscription it belongs to. */
export type NoticeStep =
  /** Lock it now (SCHEDULED, on time). */
  | { readonly step: 'lock' }
  /** Send what a dead attempt left (NOTICING, on time). */
  | { readonly step: 'resume' }
  /** Move it to the dates the late-notice rule gives, then notice it there. */
  | { readonly step: 'move'; readonly to: IsoDate }
  /** The plan no longer holds (cancelled, moved on, gone): delete it. */
  | { readonly step: 'withdraw'; readonly why: string }
  /** Announced, but the subscription ended meanwhile (S19): skip it. */
  | { readonly step: 'skip' }
  /** Nothing to do now (already noticed; the subscription is behind, e.g. its last cycle waits for review). */
  | { readonly step: 'none'; readonly why: 'already-noticed' | 'behind' | 'service-not-active' | 'not-found' };

/**
 * Decides the notice of one cycle on the run's day. The subscription is the
 * truth: only an ACTIVE subscription whose next delivery is this cycle's is
 * noticed; one behind it (its current cycle not charged yet) waits; anything
 * else leaves the plan stale — a SCHEDULED cycle is withdrawn, a NOTICING one
 * skipped (S19) or, when a late notice moved it, withdrawn too.
 */
export function noticeStep(cycle: Cycle | undefined, subscription: Subscription | undefined, serviceActive: boolean, day: IsoDate, calendar: DeliveryCalendar = DEFAULT_DELIVERY_CALENDAR): NoticeStep {
  if (!cycle) return { step: 'none', why: 'not-found' };
  if (cycle.status !== 'SCHEDULED' && cycle.status !== 'NOTICING') return { step: 'none', why: 'already-noticed' };
  if (!subscription || subscription.status !== 'ACTIVE' || subscription.nextDeliveryDate === null) {
    return cycle.status === 'SCHEDULED' ? { step: 'withdraw', why: `subscription ${subscription?.status ?? 'missing'}` } : { step: 'skip' };
  }
  if (subscription.nextDeliveryDate < cycle.deliveryDate) return { step: 'none', why: 'behind' };
  if (subscription.nextDeliveryDate > cycle.deliveryDate) return { step: 'withdraw', why: `the subscription moved on to ${subscription.nextDeliveryDate}` };
  if (!serviceActive) return { step: 'none', why: 'service-not-active' };
  // A notice (or a resend of one) on a later day than planned moves the cycle: the buyer always gets a day.
  const shift = lateShift(cycle, day, calendar);
  if (shift) return { step: 'move', to: shift.deliveryDate };
  return cycle.status === 'SCHEDULED' ? { step: 'lock' } : { step: 'resume' };
}

/** The plan after a late notice: the same cycle under its new dates (a NOTICING one starts its notice again). */
export function moved(cycle: Cycle, deliveryDate: IsoDate): Cycle {
  const { notice: _notice, followingDeliveryDate: _following, followingNominalDate: _nominal, deliveryNumber: _number, finalDelivery: _final, ...rest } = cycle;
  // The rhythm stays the subscription's: the nominal date is kept, only this delivery moves.
  return { ...rest, ...datesFor(deliveryDate), status: 'SCHEDULED', amount: 0, items: [], movedFrom: cycle.movedFrom ?? cycle.deliveryDate, nominalDate: cycle.nominalDate ?? cycle.deliveryDate };
}

/**
 * The delivery after this cycle's (S15, issue 14): the cycle rule from the subscription's anchor (its start
 * date) and this cycle's NOMINAL date, then the shop's calendar — the anchor never drifts. Planned when this
 * one is locked, and scheduled then. Where the holiday data ends it is planned without the holiday check
 * (`holidaysUnchecked`, the operator is told) rather than failing a notice or a charge already under way.
 */
export function followingDelivery(subscription: Pick<Subscription, 'cycle' | 'startDate'>, cycle: Pick<Cycle, 'deliveryDate' | 'nominalDate'>, calendar: DeliveryCalendar): PlannedDelivery {
  let next = nextScheduledDeliveryOrUnchecked(subscription.cycle, subscription.startDate, plannedOf(cycle), calendar);
  // A late notice may have moved this delivery past the next nominal one: never plan onto or before it.
  while (next.deliveryDate <= cycle.deliveryDate) next = nextScheduledDeliveryOrUnchecked(subscription.cycle, subscription.startDate, next, calendar);
  return next;
}

/** The subscription's next dates for a planned delivery (S17 days of the moved date; the nominal one kept when it differs). */
export function nextDatesOf(subscription: Subscription, next: PlannedDelivery): Subscription {
  const { nextNominalDate: _nominal, ...rest } = subscription;
  const dates = datesFor(next.deliveryDate);
  return {
    ...rest,
    nextDeliveryDate: dates.deliveryDate,
    nextNoticeDate: dates.noticeDate,
    nextChargeDate: dates.chargeDate,
    ...(next.nominalDate !== next.deliveryDate ? { nextNominalDate: next.nominalDate } : {}),
  };
}

/** What the advance past a cycle needs besides the cycle: the shop's calendar, and whether the cycle was charged. */
export interface AdvancePlan {
  readonly calendar: DeliveryCalendar;
  /** The cycle is (being recorded) CHARGED: one more delivery counted (issue 14), and a final one completes the subscription. */
  readonly charged: boolean;
}

export type Advanced =
  | { readonly subscription: Subscription; readonly schedule?: PlannedDelivery; readonly completed?: false }
  /** The last delivery was charged (issue 14, maxDeliveries): COMPLETED; the following plan (if any) is to be withdrawn. */
  | { readonly subscription: Subscription; readonly completed: true; readonly withdraw?: IsoDate; readonly schedule?: undefined };

/**
 * Moves the subscription on past this cycle (charged, failed or skipped), once:
 * only while it is ACTIVE and its next delivery is still this cycle's. The next
 * delivery is the one planned at the notice, unless its notice date has passed
 * (a charge run far behind): then the first planned delivery whose notice is
 * still ahead, which must then be scheduled (`schedule`). A charged cycle is
 * counted (`chargedDeliveries`); one passed while its charge is still open
 * (REVIEW, FAILED) is recorded as owing its count, counted if charged later
 * (delivery-count.ts); a charged FINAL cycle (every line at its
 * product's maxDeliveries, fixed by the lock) completes the subscription
 * instead: COMPLETED, no next delivery.
 */
export function advance(subscription: Subscription, cycle: Cycle, today: IsoDate, at: string, plan: AdvancePlan): Advanced | undefined {
  if (subscription.status !== 'ACTIVE' || subscription.nextDeliveryDate !== cycle.deliveryDate) return undefined;
  // Not charged (yet): a cycle still chargeable later (REVIEW, FAILED) is recorded as owing its count (delivery-count.ts).
  const counted: Subscription = plan.charged ? { ...subscription, chargedDeliveries: (subscription.chargedDeliveries ?? 0) + 1 } : passedUncounted(subscription, cycle);
  if (plan.charged && cycle.finalDelivery) {
    const { nextNominalDate: _nominal, ...rest } = counted;
    const completed: Subscription = { ...rest, status: 'COMPLETED', nextDeliveryDate: null, nextNoticeDate: null, nextChargeDate: null, completedWith: cycle.deliveryDate, completedAt: at, updatedAt: at };
    return { subscription: completed, completed: true, ...(cycle.followingDeliveryDate !== undefined ? { withdraw: cycle.followingDeliveryDate } : {}) };
  }
  const planned: PlannedDelivery =
    cycle.followingDeliveryDate !== undefined ? { deliveryDate: cycle.followingDeliveryDate, nominalDate: cycle.followingNominalDate ?? cycle.followingDeliveryDate } : followingDelivery(subscription, cycle, plan.calendar);
  let next = planned;
  while (addDays(next.deliveryDate, -2) <= today) next = followingDelivery(subscription, next, plan.calendar);
  const advanced: Subscription = { ...nextDatesOf(counted, next), updatedAt: at };
  return next === planned && cycle.followingDeliveryDate !== undefined ? { subscription: advanced } : { subscription: advanced, schedule: next };
}

// ---- The charge ----

/** S19: the subscription was cancelled (or paused: nothing is charged while paused, issue 13), or none of the announced items is still active on it. */
export function nothingAnnouncedIsWanted(subscription: Pick<Subscription, 'status' | 'items'>, cycle: Pick<Cycle, 'items'>): boolean {
  if (subscription.status === 'CANCELLED' || subscription.status === 'PAUSED') return true;
  const active = new Set(subscription.items.filter((item) => item.status === 'ACTIVE').map((item) => item.productId));
  return cycle.items.every((line) => !active.has(line.productId));
}

/**
 * Whether the charge run scheduled at `scheduledAt` may act on the cycle: a
 * retry or a look-up at its run, a first attempt on its charge date or later —
 * and never before the day after its notice last went out (the late-notice
 * rule's guarantee, checked where the money moves).
 */
export function chargeDue(cycle: Cycle, scheduledAt: Date): boolean {
  const day = seoulDate(scheduledAt);
  const lastSent = lastNoticeDay(cycle);
  if (lastSent !== undefined && day <= lastSent) return false;
  if (cycle.nextAttemptAt !== undefined) return Date.parse(cycle.nextAttemptAt) <= scheduledAt.getTime();
  return cycle.chargeDate <= day;
}

function lastNoticeDay(cycle: Cycle): IsoDate | undefined {
  const sent = [cycle.notice?.mail, cycle.notice?.sms].filter((channel) => channel?.state === 'SENT').map((channel) => seoulDate(new Date(channel!.at)));
  return sent.sort().at(-1);
}

/** True while a claimed attempt may still be at the PG: its worker may be alive. */
export function claimHeld(cycle: Cycle, now: Date, leaseMs: number): boolean {
  return cycle.status === 'CHARGING' && cycle.chargingSince !== undefined && Date.parse(cycle.chargingSince) + leaseMs > now.getTime();
}

const ORDER_ID = /^[A-Za-z0-9_-]{6,64}$/;

/**
 * The merchant order id of an attempt: `{subscriptionId}-{yyyymmdd}-{attempt}`,
 * 6–64 of [A-Za-z0-9_-] as Toss Payments requires. A subscription id too long
 * to fit is replaced by a digest of it (base64url stays in the alphabet).
 */
export function orderIdFor(subscriptionId: string, deliveryDate: string, attempt: number): string {
  const suffix = `-${deliveryDate.replaceAll('-', '')}-${attempt}`;
  const head = subscriptionId.length + suffix.length <= 64 ? subscriptionId : createHash('sha256').update(subscriptionId).digest('base64url').slice(0, 64 - suffix.length);
  const orderId = `${head}${suffix}`;
  if (!ORDER_ID.test(orderId)) throw new Error(`Cannot derive a valid order id for subscription ${subscriptionId}`);
  return orderId;
}

/** The PG's idempotency key of an attempt: a retried request of the same attempt is answered, not charged again. */
export function idempotencyKeyFor(subscriptionId: string, deliveryDate: string, attempt: number): string {
  return `charge:${subscriptionId}:${deliveryDate}:${attempt}`;
}

/** "Beans 1kg 외 1건": the first product's name and how many more (the PG shows it to the buyer; ≤ 100 characters). */
export function orderNameFor(lines: readonly CycleLine[], nameOf: (productId: string) => string | undefined): string {
  const [first, ...others] = lines;
  if (!first) return '정기배송';
  const name = nameOf(first.productId) ?? first.productId;
  const full = others.length > 0 ? `${name} 외 ${others.length}건` : name;
  return full.length <= 100 ? full : `${full.slice(0, 99)}…`;
}

// ---- Where a cycle is listed ----

/** The due work a cycle waits in, if any: its notice (SCHEDULED, NOTICING) or its charge (NOTICED, CHARGING). */
export function dueOf(cycle: Cycle): { readonly kind: 'NOTICE' | 'CHARGE'; readonly date: IsoDate } | undefined {
  switch (cycle.status) {
    case 'SCHEDULED':
    case 'NOTICING':
      return { kind: 'NOTICE', date: cycle.noticeDate };
    case 'NOTICED':
    case 'CHARGING':
      return { kind: 'CHARGE', date: cycle.nextAttemptAt !== undefined ? seoulDate(new Date(cycle.nextAttemptAt)) : cycle.chargeDate };
    default:
      return undefined;
  }
}

/** A cycle in REVIEW waits in its shop's review list until an operator resolves it. */
export function inReview(cycle: Cycle): boolean {
  return cycle.status === 'REVIEW';
}

/** A charged cycle is the shop's order for fulfilment (listed newest first by when it was charged). */
export function isOrder(cycle: Cycle): cycle is Cycle & { orderId: string; chargedAt: string; paymentKey: string; approvedAt: string } {
  return cycle.status === 'CHARGED' && cycle.orderId !== undefined && cycle.chargedAt !== undefined && cycle.paymentKey !== undefined && cycle.approvedAt !== undefined;
}

// ---- The public view ----

/** The contract knows five statuses: the runs' internal states read NOTICED; SCHEDULED is not shown. */
export function publicCycleStatus(status: CycleState): CycleStatus | undefined {
  if (status === 'SCHEDULED') return undefined;
  return status === 'NOTICING' || status === 'CHARGING' || status === 'REVIEW' ? 'NOTICED' : status;
}

/** Where an unfinished charge stands, as an addition to the contract's status. */
export type ChargeProgress = 'CHARGING' | 'RETRY_SCHEDULED' | 'MANUAL_REVIEW';

function chargeProgressOf(cycle: Cycle): ChargeProgress | undefined {
  if (cycle.status === 'CHARGING') return 'CHARGING';
  if (cycle.status === 'REVIEW') return 'MANUAL_REVIEW';
  if (cycle.status === 'NOTICED' && cycle.nextAttemptAt !== undefined) return 'RETRY_SCHEDULED';
  return undefined;
}

/** Cycles as the API lists them: shown ones only, in the order given (oldest first). */
export function visibleCycles(cycles: readonly Cycle[]): Cycle[] {
  return cycles.filter((cycle) => publicCycleStatus(cycle.status) !== undefined);
}

/**
 * The contract's Cycle shape, plus (additions) how many charge attempts were
 * made, the last failure, where an unfinished charge stands, and a late
 * notice's original delivery date. Order ids, payment keys and idempotency keys stay internal.
 */
export function toCycleView(cycle: Cycle) {
  const { deliveryDate, noticeDate, chargeDate, status, amount, items, attempts, lastFailure, nextAttemptAt, chargedAt, movedFrom } = cycle;
  const progress = chargeProgressOf(cycle);
  return {
    deliveryDate,
    noticeDate,
    chargeDate,
    status: publicCycleStatus(status) ?? 'NOTICED',
    amount,
    items: items.map(({ productId, quantity, unitPrice, listPrice, discount }) => ({ productId, quantity, unitPrice, ...(discount !== undefined && discount > 0 ? { listPrice, discount } : {}) })),
    ...(cycle.deliveryNumber !== undefined ? { deliveryNumber: cycle.deliveryNumber } : {}),
    ...(attempts !== undefined && attempts > 0 ? { attempts } : {}),
    ...(lastFailure ? { lastFailure: { code: lastFailure.code, message: lastFailure.message, at: lastFailure.at } } : {}),
    ...(progress ? { chargeProgress: progress } : {}),
    // Stored as an ISO instant; shown in Asia/Seoul like every other timestamp.
    ...(progress === 'RETRY_SCHEDULED' && nextAttemptAt !== undefined ? { nextAttemptAt: seoulTimestamp(new Date(nextAttemptAt)) } : {}),
    ...(status === 'CHARGED' && chargedAt !== undefined ? { chargedAt } : {}),
    ...(cycle.reviewReason !== undefined && status === 'REVIEW' ? { reviewReason: cycle.reviewReason } : {}),
    ...(cycle.resolution ? { resolution: { outcome: cycle.resolution.outcome, at: cycle.resolution.at } } : {}),
    ...(movedFrom !== undefined ? { movedFrom } : {}),
  };
}

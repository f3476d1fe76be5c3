/**
 * What the charge worker does with the PG's answer (functions/use-cases/runs/charge.ts
 * has the course of an attempt): paid, declined, unknown — and the follow-ups
 * of each (the subscription's advance, the charged event, the buyer's and the
 * operator's mails), always before the write that takes the cycle out of the
 * due index, so that a crash in between is finished by the next run.
 */
import { CHARGE_WORKER_TIMEOUT_SECONDS } from '../../../system/worker-timeouts.ts';
import { seoulDate, seoulTimestamp } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import type { ChargeOutcome, ChargingGateway } from '../../adapters/gateways/payment-gateway.ts';
import type { MessageKind } from '../../adapters/messaging/ports.ts';
import { advance, transition, type ChargeFailure, type Cycle, type Resolution, type Transition } from '../../domain/cycle.ts';
import { DEFAULT_DELIVERY_CALENDAR } from '../../domain/delivery-calendar.ts';
import { lastChargeAttempt, nextChargeAttempt, nextRunAfter } from '../../domain/delivery-schedule.ts';
import type { Shop } from '../../domain/shop.ts';
import { endedByRunAt, type Subscription } from '../../domain/subscription.ts';
import { renderMail, won, type TemplateVars } from '../../notifications/templates.ts';
import { publishCycleEvent } from '../cycle-events.ts';
import { sendOnce } from '../send-once.ts';
import { advanceSubscription, countLateDelivery } from '../advance-subscription.ts';
import { customerKeyFor } from '../storefront-deps.ts';
import { finishEnding } from './subscription-endings.ts';
import type { ChargeDeps, ChargeResult } from './charge.ts';

/**
 * How long a claimed attempt (and a mail in flight) belongs to the worker that
 * took it: longer than a charge worker can live, so a CHARGING older than this
 * is a dead worker's (the crash case), never one still waiting for the PG.
 */
export const WORKER_LEASE_MS = (CHARGE_WORKER_TIMEOUT_SECONDS + 30) * 1000;

/** A mail whose sending died is tried again at most this many times in all (at-least-once, bounded). */
export const MAX_MAIL_ATTEMPTS = 3;

/** The event a shop consumes to ship a paid delivery; its id is the order id (consumers drop repeats). */
export const CYCLE_CHARGED_EVENT = 'subscription.cycle.charged';

/** What the outcomes and their follow-ups use: the charge worker's dependencies without the PG and the billing keys. */
export type FollowUpDeps = Omit<ChargeDeps, 'gateways' | 'billingKeys'>;

export interface Run<D extends FollowUpDeps = FollowUpDeps> {
  readonly deps: D;
  /** The run's scheduled time: "now" for every retry decision. */
  readonly scheduledAt: Date;
  /** The message's shop (every item of a message is one shop's). */
  readonly shop: Shop | undefined;
  /** A decline is final, whatever the retry window (the shop's own retry of a FAILED cycle: it stays FAILED). */
  readonly finalDecline?: boolean;
}

export type Step = { readonly done: ChargeResult; readonly cycle?: Cycle } | 'reread';

/** Writes a transition; 'reread' when another writer changed the cycle meanwhile. */
async function write(run: Run, result: Transition, done: ChargeResult): Promise<Step> {
  if (!result.ok) throw new Error(result.reason);
  if (!(await run.deps.cycles.write(result.next, result.expect))) return 'reread';
  return { done, cycle: result.next };
}

/** The PG call of the attempt this worker holds: exactly the announced amount (S18). */
export async function charge(run: Run, cycle: Cycle, gateway: ChargingGateway, billingKey: string, subscription: Subscription): Promise<Step> {
  const outcome = await gateway.charge({
    billingKey,
    customerKey: customerKeyFor(cycle.shopId, cycle.customerId),
    amount: cycle.amount,
    orderId: cycle.orderId!,
    orderName: cycle.orderName ?? '정기배송',
    idempotencyKey: cycle.idempotencyKey!,
    ...(subscription.contact?.email ? { customerEmail: subscription.contact.email } : {}),
  });
  return settle(run, cycle, gateway, outcome, 'charge', subscription);
}

/** Records what the PG said (to the charge, or to the look-up by order id) about the attempt this worker holds. */
export async function settle(run: Run, cycle: Cycle, gateway: ChargingGateway, outcome: ChargeOutcome, source: 'charge' | 'lookup', subscription: Subscription): Promise<Step> {
  const { deps, scheduledAt } = run;
  const now = deps.clock.now();
  if (outcome.status === 'PAID') {
    if (outcome.amount !== cycle.amount) logger.error('The PG reports a paid amount other than the announced one', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, announced: cycle.amount, paid: outcome.amount });
    // A look-up finding the payment of a crashed attempt whose follow-ups had begun: this completes them.
    const resumed = source === 'lookup' && subscription.nextDeliveryDate !== cycle.deliveryDate;
    await moveOn(run, cycle, subscription, true);
    const paid = transition(cycle, { type: 'paid', payment: { paymentKey: outcome.paymentKey, approvedAt: outcome.approvedAt }, at: now, ...(subscription.shippingAddress ? { shippingAddress: subscription.shippingAddress } : {}) });
    if (paid.ok) await publishCharged(run, paid.next);
    return write(run, paid, resumed ? 'completed' : 'charged');
  }

  if (outcome.status === 'DECLINED') {
    const failure = { code: outcome.code, message: outcome.message, detail: outcome.detail, at: seoulTimestamp(now) };
    const next = run.finalDecline ? null : nextChargeAttempt(cycle.chargeDate, scheduledAt, deps.chargeRunTimes, deps.chargeRetryDays);
    if (next) {
      // Mail before the state change: a crash in between is redone by the look-up path, and send-once sends it once.
      if (!cycle.lastFailure) {
        await mailBuyer(run, cycle, subscription, 'charge-failed', { ...failureVars(failure), nextAttempt: seoulWallClock(next), lastAttempt: seoulWallClock(lastChargeAttempt(cycle.chargeDate, deps.chargeRunTimes, deps.chargeRetryDays)) });
      }
      return write(run, transition(cycle, { type: 'declined', failure, retryAt: next }), 'retry-scheduled');
    }
    const failed = transition(cycle, { type: 'declined', failure, retryAt: null });
    if (failed.ok) await finishFailed(run, failed.next, subscription);
    return write(run, failed, 'failed');
  }

  // UNKNOWN: the cycle stays CHARGING (already indexed under the next run, which looks the order up).
  if (!gateway.supportsLookup) return toReview(run, cycle, `The PG did not say whether order ${cycle.orderId} was paid (${outcome.message}) and cannot look it up.`);
  // A look-up that still cannot tell after the window has closed: a person decides (a charge's own UNKNOWN always gets a look-up first).
  if (source === 'lookup' && nextRunAfter(scheduledAt, deps.chargeRunTimes).getTime() > lastChargeAttempt(cycle.chargeDate, deps.chargeRunTimes, deps.chargeRetryDays).getTime()) {
    return toReview(run, cycle, `The outcome of order ${cycle.orderId} is still unknown at the end of the retry window (${outcome.message}).`);
  }
  logger.warn('Charge outcome unknown; the next run looks the order up', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, attempt: cycle.attempts, reason: outcome.message });
  return { done: 'unknown', cycle };
}

/** The event a shop ships a paid delivery on. At-least-once: a rerun publishes again under the same id (the order id), and consumers drop the repeat. */
async function publishCharged(run: Run, charged: Cycle): Promise<void> {
  await publishCycleEvent(run.deps, charged);
}

/**
 * Operator mail first (once), the subscription's advance (its next delivery never waits on a person), then
 * REVIEW: in the shop's review list until an operator resolves it (`resolveReview`).
 */
export async function toReview(run: Run, cycle: Cycle, reason: string): Promise<Step> {
  const subscription = await run.deps.subscriptions.get(cycle.subscriptionId);
  const review = transition(cycle, { type: 'review', reason });
  if (subscription) {
    await mailOperator(run, cycle, subscription, 'charge-review', { orderId: cycle.orderId ?? '-', provider: cycle.provider ?? '-', attempt: cycle.attempts ?? 0, reason });
    // Past the cycle as it will be written (REVIEW): the advance records it as owing its count if resolved as charged.
    await moveOn(run, review.ok ? review.next : cycle, subscription, false);
  }
  const step = await write(run, review, 'review');
  if (step !== 'reread') logger.error('Charge needs manual review', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, reason });
  return step;
}

/** Not chargeable at all (no payment method or billing key): FAILED at once, with a clear reason. */
export async function failWithoutAttempt(run: Run, cycle: Cycle, subscription: Subscription, reason: { code: string; message: string; detail?: string }): Promise<Step> {
  const { code, message, detail } = reason;
  const failed = transition(cycle, { type: 'notChargeable', failure: { code, message, ...(detail !== undefined ? { detail } : {}), at: seoulTimestamp(run.deps.clock.now()) } });
  if (failed.ok) await finishFailed(run, failed.next, subscription);
  return write(run, failed, 'failed');
}

/** S19: nothing announced is still wanted — SKIPPED, never charged; a subscription still running moves on. */
export async function finishSkipped(run: Run, cycle: Cycle, subscription: Subscription): Promise<Step> {
  const skipped = transition(cycle, { type: 'skip', reason: 'NOTHING_WANTED' });
  if (skipped.ok) {
    await moveOn(run, skipped.next, subscription, false);
    await publishCycleEvent(run.deps, skipped.next);
  }
  return write(run, skipped, 'skipped');
}

/**
 * An operator's answer to a cycle in REVIEW (use-cases/resolve-cycle.ts), with the follow-ups the charge worker
 * would have done — charged: the charged event (the CHARGED cycle is the order); not charged: the buyer's and the
 * operator's mails — before the write, so a crash in between is finished by a repeat. The subscription moved on
 * when the cycle went to REVIEW, uncounted (`moveOn` here does not advance it again, unless it did not); resolved
 * as charged, the delivery is counted now, once, before the CHARGED write (delivery-count.ts).
 */
export async function resolveReview(run: Run, cycle: Cycle, subscription: Subscription, resolution: Resolution): Promise<Step> {
  const resolved = transition(cycle, { type: 'resolve', resolution });
  if (!resolved.ok) throw new Error(resolved.reason);
  if (resolution.outcome === 'charged') {
    await moveOn(run, cycle, subscription, true);
    await publishCharged(run, resolved.next);
    return write(run, resolved, 'charged');
  }
  await finishFailed(run, resolved.next, subscription);
  return write(run, resolved, 'failed');
}

/** The buyer and the operator are told; the subscription moves on to its next delivery anyway. */
async function finishFailed(run: Run, failed: Cycle, subscription: Subscription): Promise<void> {
  const failure: ChargeFailure = failed.lastFailure ?? { code: 'UNKNOWN', message: '-', at: failed.failedAt ?? '-', attempt: failed.attempts ?? 0 };
  const still = subscription.status === 'ACTIVE' && subscription.nextDeliveryDate === failed.deliveryDate;
  const moved = subscription.status === 'ACTIVE' && subscription.nextDeliveryDate !== null && subscription.nextDeliveryDate > failed.deliveryDate;
  const following = still ? (advance(subscription, failed, seoulDate(run.scheduledAt), '', { calendar: calendarOf(run), charged: false })?.subscription.nextDeliveryDate ?? '-') : moved ? subscription.nextDeliveryDate! : '-';
  const vars = { ...failureVars(failure), attempts: failed.attempts ?? 0, nextDeliveryDate: following };
  await mailBuyer(run, failed, subscription, 'charge-failed-final', vars);
  await mailOperator(run, failed, subscription, 'charge-failed-operator', vars);
  await moveOn(run, failed, subscription, false);
  await publishCycleEvent(run.deps, failed);
}

/** The shop's delivery calendar (issue 14): the next delivery is planned by it. */
const calendarOf = (run: Run) => run.shop?.deliveryCalendar ?? DEFAULT_DELIVERY_CALENDAR;

/**
 * The subscription's advance past this cycle (domain `advance`): once, conditional on its version; a racing
 * change is read again. A charged final delivery completes it (issue 14): its follow-ups run after the write
 * and again on every rerun that finds it completed by this cycle (the cycle is written last), so a crash in
 * between never loses them.
 */
async function moveOn(run: Run, cycle: Cycle, read: Subscription, charged: boolean): Promise<void> {
  const advanced = await advanceSubscription(run.deps, cycle, read, seoulDate(run.scheduledAt), calendarOf(run), { charged });
  // Charged after the subscription moved past it uncounted (REVIEW resolved as charged, a shop's retry that
  // paid): counted now, once, before the cycle's CHARGED write (delivery-count.ts). Nothing owed: no write.
  const subscription = charged && !advanced.advanced && advanced.subscription ? await countLateDelivery(run.deps, cycle, advanced.subscription) : advanced.subscription;
  // Also when an earlier attempt had advanced it already: a completion's follow-ups are redone by any rerun.
  if (subscription && endedByRunAt(subscription, cycle.deliveryDate) === 'completed') await finishCompleted(run, cycle, subscription);
}

/**
 * Issue 14, maxDeliveries: the subscription is COMPLETED with this cycle. The following plan the notice made
 * is withdrawn (it would be withdrawn at its notice date anyway: never announced); it leaves the S6 count and
 * the buyer is told once (subscription-endings.ts); the shop's `subscription.completed` event is published.
 */
async function finishCompleted(run: Run, cycle: Cycle, subscription: Subscription): Promise<void> {
  const { deps } = run;
  if (cycle.followingDeliveryDate !== undefined) await deps.cycles.withdraw({ subscriptionId: cycle.subscriptionId, deliveryDate: cycle.followingDeliveryDate }, 'SCHEDULED');
  // Out of the S6 count, subscription.completed published, the buyer told (subscription-endings.ts).
  await finishEnding(deps, run.shop?.name ?? cycle.shopId, subscription, cycle.deliveryDate, WORKER_LEASE_MS);
}

// ---- Mails: each guarded by the notification log (written before the send), so it goes out once. ----

function seoulWallClock(at: Date): string {
  return seoulTimestamp(at).slice(0, 16).replace('T', ' ');
}

function failureVars(failure: Pick<ChargeFailure, 'code' | 'message' | 'detail'>): TemplateVars {
  // The buyer's mails use `reason` (ours); the operator's also shows the PG's own text (`pgDetail`).
  return { reason: failure.message, reasonCode: failure.code, pgDetail: failure.detail ?? '-' };
}

function cycleVars(run: Run, cycle: Cycle, subscription: Subscription): TemplateVars {
  const card = subscription.card;
  const method = subscription.paymentMethod === 'kakaopay' ? '카카오페이' : '카드';
  return {
    shopName: run.shop?.name ?? cycle.shopId,
    subscriptionId: subscription.id,
    customerId: subscription.customerId,
    deliveryDate: cycle.deliveryDate,
    chargeDate: cycle.chargeDate,
    orderName: cycle.orderName ?? cycle.items.map((line) => line.productId).join(', '),
    amount: won(cycle.amount),
    paymentMethod: card ? `${method} ${card.issuer}${card.last4 ? ` ****${card.last4}` : ''}` : method,
  };
}

/** A mail kind is also its template: functions/notifications/templates/{kind}.mail.txt. */
async function mailBuyer(run: Run, cycle: Cycle, subscription: Subscription, kind: MessageKind, vars: TemplateVars): Promise<void> {
  const to = subscription.contact?.email;
  if (!to) {
    logger.warn('No buyer address for a charge mail; not sent', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, kind });
    return;
  }
  await mailOnce(run, cycle, to, kind, { ...cycleVars(run, cycle, subscription), ...vars });
}

/** To the address in the shop's notification settings (S11), else the one the platform registered. */
async function mailOperator(run: Run, cycle: Cycle, subscription: Subscription, kind: MessageKind, vars: TemplateVars): Promise<void> {
  const to = (await run.deps.settings.getNotificationSettings(cycle.shopId))?.operatorEmail ?? run.shop?.operatorEmail;
  if (!to) return;
  await mailOnce(run, cycle, to, kind, { ...cycleVars(run, cycle, subscription), ...vars });
}

/**
 * At most once per (cycle, kind) — up to MAX_MAIL_ATTEMPTS when sends die half-way (the at-least-once edge,
 * bounded). A send still in flight elsewhere (younger than the lease) fails this item, to be retried later.
 */
async function mailOnce(run: Run, cycle: Cycle, to: string, kind: MessageKind, vars: TemplateVars): Promise<void> {
  const { deps } = run;
  const mail = { to, kind, ...renderMail(`${kind}.mail`, vars) };
  const ref = { to: 'customer', subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, kind, channel: 'mail' } as const;
  const outcome = await sendOnce(deps, ref, { send: () => deps.mailer.send(mail) }, { leaseMs: WORKER_LEASE_MS, maxAttempts: MAX_MAIL_ATTEMPTS, waitMs: 0 });
  if (outcome === 'gave-up') logger.error('A charge mail could not be confirmed sent after its last attempt; giving up', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, kind });
}

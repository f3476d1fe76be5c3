/**
 * The charge worker (S17, S18, S19): charges one noticed cycle, exactly once,
 * exactly the announced amount. One work item is one cycle key from the due
 * CHARGE index; the worker re-reads everything it decides on (strongly
 * consistent) because the index is only a hint.
 *
 * There are no transactions (docs/data-model.md, "State changes without
 * transactions"): every step is one conditional write on one item, ordered so
 * that a process dying between any two steps is repaired by running the item
 * again, and a duplicate or concurrent run changes nothing twice.
 *
 * ## The cycle's states (stored `status`; the public view shows CHARGING and REVIEW as NOTICED)
 *
 * | from | event | to | condition of the write |
 * | --- | --- | --- | --- |
 * | NOTICED | due, subscription cancelled or every announced item cancelled (S19) | SKIPPED | status NOTICED, attempts as read |
 * | NOTICED | due, no payment method / no billing key | FAILED (follow-ups pending) | status NOTICED, attempts as read |
 * | NOTICED | due, chargeable | CHARGING attempt n+1 (orderId, idempotency key, chargingSince) | status NOTICED, attempts = n |
 * | CHARGING | PG: PAID | CHARGED (follow-ups pending) | status CHARGING, attempts, chargingSince as claimed |
 * | CHARGING | PG: DECLINED, a run left in the window | NOTICED (retry at the next run; charge-failed mail once before) | same |
 * | CHARGING | PG: DECLINED, no run left | FAILED (follow-ups pending) | same |
 * | CHARGING | PG: UNKNOWN | stays CHARGING; the next run looks it up | — |
 * | CHARGING | found by a later run / redelivery, lease expired | CHARGING (taken over: new chargingSince) then look up the order id FIRST | status CHARGING, attempts, chargingSince as read |
 * | CHARGING | look-up NOT_FOUND | charge again, SAME order id and idempotency key | (the PG dedups) |
 * | CHARGING | PG cannot look up (supportsLookup false), or still UNKNOWN after the window | REVIEW (operator mailed first) | status CHARGING, attempts, chargingSince |
 * | CHARGED / FAILED with follow-ups pending | order, event / mails, the subscription's advance | same status, follow-ups done (out of the index) | status, attempts |
 *
 * A cancel (cancel-subscription.ts) can only skip a cycle that is NOTICED: once
 * a worker has claimed it (CHARGING), the charge stands and the cancel applies
 * from the next cycle. So a charge never lands on a SKIPPED cycle, and a
 * SKIPPED cycle is never charged.
 *
 * ## Retry schedule (S17)
 * The first attempt is at the first charge run on the charge date (D-1). A
 * decline is retried at every following charge run (CHARGE_RUN_TIMES, default
 * 10:00 and 17:00 Asia/Seoul) up to and including the last run on chargeDate +
 * CHARGE_RETRY_DAYS (3): with the defaults, eight attempts from D-1 10:00 to
 * D+2 17:00. "Now" for these decisions is the run's scheduled time, never the
 * wall clock, so a late or repeated trigger behaves like its own run.
 */
import { createHash } from 'node:crypto';
import { FUNCTIONS, parseRunTime, runTimesEnvName, SCHEDULE_DEFAULTS } from '../../../system/functions.ts';
import type { Clock } from '../../core/clock.ts';
import { addDays, seoulDate, seoulTimestamp } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import type { BillingKeysRepository } from '../../adapters/dynamodb/billing-keys.repo.ts';
import type { NotificationRef, NotificationsRepository } from '../../adapters/dynamodb/notifications.repo.ts';
import type { OrdersRepository } from '../../adapters/dynamodb/orders.repo.ts';
import type { ProductsRepository } from '../../adapters/dynamodb/products.repo.ts';
import type { SettingsRepository } from '../../adapters/dynamodb/settings.repo.ts';
import type { ShopsRepository } from '../../adapters/dynamodb/shops.repo.ts';
import type { SubscriptionsRepository } from '../../adapters/dynamodb/subscriptions.repo.ts';
import type { ChargeOutcome, PaymentGateway } from '../../adapters/gateways/payment-gateway.ts';
import type { EventPublisher, Mail, Mailer, MessageKind } from '../../adapters/messaging/ports.ts';
import type { PaymentProvider } from '../../domain/billing-key.ts';
import { lastChargeAttempt, nextChargeAttempt, nextDeliveryDate, nextRunAfter, type RunTime } from '../../domain/delivery-schedule.ts';
import type { Shop } from '../../domain/shop.ts';
import { scheduleFor, type ChargeFailure, type Cycle, type Subscription } from '../../domain/subscription.ts';
import { renderMail, won, type TemplateVars } from '../../notifications/templates.ts';
import type { WorkItem } from '../../queue/sqs-worker.ts';
import { customerKeyFor, providerFor, type GatewayDirectory } from '../storefront-deps.ts';
import { ownDecline } from '../../adapters/gateways/declines.ts';

/**
 * How long a claimed attempt (and a mail in flight) belongs to the worker that
 * took it: longer than a charge worker can live, so a CHARGING older than this
 * is a dead worker's (the crash case), never one still waiting for the PG.
 */
export const WORKER_LEASE_MS = (FUNCTIONS.chargeWorker.timeoutSeconds + 30) * 1000;

/** A mail whose sending died is tried again at most this many times in all (at-least-once, bounded). */
export const MAX_MAIL_ATTEMPTS = 3;

/** The event a shop consumes to ship a paid delivery; its id is the order id (consumers drop repeats). */
export const CYCLE_CHARGED_EVENT = 'subscription.cycle.charged';

export interface ChargeDeps {
  readonly subscriptions: Pick<SubscriptionsRepository, 'get' | 'update' | 'getCycle' | 'cycleAt' | 'updateCycle'>;
  readonly orders: Pick<OrdersRepository, 'create'>;
  readonly shops: Pick<ShopsRepository, 'get'>;
  readonly settings: Pick<SettingsRepository, 'getNotificationSettings'>;
  readonly products: Pick<ProductsRepository, 'get'>;
  readonly billingKeys: Pick<BillingKeysRepository, 'get'>;
  readonly notifications: Pick<NotificationsRepository, 'begin' | 'get' | 'retry' | 'settle'>;
  readonly gateways: GatewayDirectory;
  readonly mailer: Mailer;
  readonly events: EventPublisher;
  /** The wall clock: claim times, leases, timestamps. Retry decisions use the run's scheduled time instead. */
  readonly clock: Clock;
  /** The charge runs' times (chargeRunTimesFrom): when a retry is due and when the window closes. */
  readonly chargeRunTimes: readonly RunTime[];
  /** Days after the charge date a decline is still retried (chargeRetryDaysFrom; default 3). */
  readonly chargeRetryDays?: number;
}

/** What processing one item did (for logs and tests). */
export type ChargeResult =
  /** This call recorded the payment and finished its follow-ups. */
  | 'charged'
  /** The follow-ups of an earlier outcome (order, event, mails, advance) were finished. */
  | 'completed'
  /** S19: nothing announced is still wanted; not charged. */
  | 'skipped'
  | 'retry-scheduled'
  /** Declined for the last time (or not chargeable at all): FAILED, buyer and operator told, subscription advanced. */
  | 'failed'
  /** The PG's answer is unknown; the cycle stays CHARGING and the next run looks it up. */
  | 'unknown'
  /** An operator must decide (charge-review mail sent). */
  | 'review'
  | 'not-due'
  /** Another worker holds the attempt (its lease has not expired). */
  | 'busy'
  /** The shop's service is not ACTIVE: left NOTICED (the stop cascade cancels it). */
  | 'service-inactive'
  | 'nothing-to-do';

export interface ChargeReport {
  readonly result: ChargeResult;
  readonly subscriptionId?: string;
  readonly deliveryDate?: string;
}

/**
 * The charge run times, read like the schedules are (local/scheduler.ts's
 * runTimesFrom, lib/app-config.ts): CHARGE_RUN_TIMES="10:00,17:00", else
 * SCHEDULE_DEFAULTS. The deployed worker must get the same value as the
 * schedule, or retries would wait for runs that never come.
 */
export function chargeRunTimesFrom(env: NodeJS.ProcessEnv): RunTime[] {
  const configured = env[runTimesEnvName('chargeRunTimes')]?.split(',').map((time) => time.trim()).filter(Boolean);
  const times = configured?.length ? configured : SCHEDULE_DEFAULTS.chargeRunTimes;
  return times.map(parseRunTime);
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

type Step = { readonly done: ChargeResult } | 'reread';
const done = (result: ChargeResult): Step => ({ done: result });

interface Run {
  readonly deps: ChargeDeps;
  /** The run's scheduled time: "now" for every retry decision. */
  readonly scheduledAt: Date;
  /** The attempt this run claimed, if it did: the log counts attempts as the API shows them. */
  claimed?: number;
}

/**
 * Processes one due cycle.
 *
 * Primary course: the cycle is NOTICED and due; the subscription still wants
 * an announced item; the shop's service is active; the cycle is claimed
 * (CHARGING, attempt n) by one conditional write; the PG charges exactly the
 * announced amount with the buyer's billing key; the cycle is CHARGED; the
 * order is written, the charged event published and the subscription moved to
 * its next delivery, back into the notice index.
 * Alternates: see the module comment — S19 skip, decline and retries, unknown
 * outcome with look-up first, manual review, a crash anywhere (a rerun
 * completes what is missing), a concurrent worker (one wins, the other sees
 * `busy` or the outcome).
 */
export async function processCharge(deps: ChargeDeps, item: WorkItem): Promise<ChargeReport> {
  if (item.kind !== 'CHARGE') throw new Error(`The charge worker got a ${item.kind} item`);
  const scheduledAt = new Date(item.scheduledTime);
  if (Number.isNaN(scheduledAt.getTime())) throw new Error(`scheduledTime "${item.scheduledTime}" is not a timestamp`);
  const run: Run = { deps, scheduledAt };

  let cycle = await deps.subscriptions.cycleAt(item.key);
  if (!cycle) {
    logger.warn('Charge item is not a cycle (any more)', { key: item.key });
    return { result: 'nothing-to-do' };
  }
  const { subscriptionId, deliveryDate } = cycle;
  // A lost conditional write means someone else moved the cycle: decide again from what is true now.
  for (let round = 0; round < 4; round += 1) {
    const step = await decide(run, cycle);
    if (step !== 'reread') {
      logger.info('Charge item processed', { subscriptionId, deliveryDate, result: step.done, attempts: run.claimed ?? cycle.attempts ?? 0, scheduledTime: item.scheduledTime });
      return { result: step.done, subscriptionId, deliveryDate };
    }
    cycle = await deps.subscriptions.getCycle(subscriptionId, deliveryDate);
    if (!cycle) return { result: 'nothing-to-do', subscriptionId, deliveryDate };
  }
  // Rare: the cycle kept changing under us. Failing the message retries it later.
  throw new Error(`Cycle ${subscriptionId}/${deliveryDate} kept changing while being charged`);
}

async function decide(run: Run, cycle: Cycle): Promise<Step> {
  switch (cycle.status) {
    case 'NOTICED':
      return attempt(run, cycle);
    case 'CHARGING':
      return resume(run, cycle);
    case 'CHARGED':
      return cycle.followUpsPending ? finishCharged(run, cycle, 'completed') : done('nothing-to-do');
    case 'FAILED':
      return cycle.followUpsPending ? finishFailed(run, cycle, 'completed') : done('nothing-to-do');
    default:
      // SKIPPED, CANCELLED, REVIEW: nothing for the charge run.
      return done('nothing-to-do');
  }
}

/** A first attempt or a retry is due from the run scheduled at the attempt's time (the first: any run on the charge date or later). */
function isDue(cycle: Cycle, scheduledAt: Date): boolean {
  if (cycle.nextAttemptAt !== undefined) return Date.parse(cycle.nextAttemptAt) <= scheduledAt.getTime();
  return cycle.chargeDate <= seoulDate(scheduledAt);
}

/** S19: the subscription was cancelled, or none of the announced items is still active on it. */
function nothingAnnouncedIsWanted(subscription: Subscription, cycle: Cycle): boolean {
  if (subscription.status === 'CANCELLED') return true;
  const active = new Set(subscription.items.filter((item) => item.status === 'ACTIVE').map((item) => item.productId));
  return cycle.items.every((line) => !active.has(line.productId));
}

/** The bookkeeping of one attempt, dropped when the attempt is over and the cycle waits for the next. */
function withoutAttempt(cycle: Cycle): Cycle {
  const { orderId: _orderId, idempotencyKey: _key, chargingSince: _since, provider: _provider, nextAttemptAt: _next, ...rest } = cycle;
  return rest;
}

async function attempt(run: Run, cycle: Cycle): Promise<Step> {
  const { deps, scheduledAt } = run;
  if (!isDue(cycle, scheduledAt)) return done('not-due');
  const read = { attempts: cycle.attempts ?? 0 };

  const subscription = await deps.subscriptions.get(cycle.subscriptionId);
  if (!subscription) {
    logger.error('A noticed cycle has no subscription; not charged', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate });
    return done('nothing-to-do');
  }

  if (nothingAnnouncedIsWanted(subscription, cycle)) {
    const skipped: Cycle = { ...withoutAttempt(cycle), status: 'SKIPPED' };
    if (!(await deps.subscriptions.updateCycle(skipped, 'NOTICED', read))) return 'reread';
    await advance(run, cycle, subscription);
    return done('skipped');
  }

  const shop = await deps.shops.get(subscription.shopId);
  if (!shop || shop.service.status !== 'ACTIVE') {
    // S21-S22: a stopped service cancels its subscriptions (the stop cascade); never charge meanwhile.
    logger.warn('The shop service is not active; the cycle is left NOTICED and not charged', {
      subscriptionId: cycle.subscriptionId,
      deliveryDate: cycle.deliveryDate,
      shopId: subscription.shopId,
      service: shop?.service.status ?? 'NO_SHOP',
    });
    return done('service-inactive');
  }

  const provider = providerFor(shop, subscription.paymentMethod);
  if (!provider) {
    return failWithoutAttempt(run, cycle, ownDecline('PAYMENT_METHOD_NOT_AVAILABLE', `The shop no longer takes ${subscription.paymentMethod} for subscriptions.`));
  }
  const billingKey = await deps.billingKeys.get(subscription.shopId, subscription.customerId, subscription.paymentMethod);
  if (!billingKey || billingKey.provider !== provider) {
    return failWithoutAttempt(run, cycle, ownDecline('NO_BILLING_KEY', "The buyer has no registered payment method with the shop's payment gateway."));
  }
  // Before the claim: an unavailable PG fails the message (retried) without touching the cycle.
  // The shop's own contract with the PG: never another shop's keys (issue 10).
  const gateway = await deps.gateways.gatewayFor(subscription.shopId, provider);

  const n = read.attempts + 1;
  const claimed: Cycle = {
    ...withoutAttempt(cycle),
    status: 'CHARGING',
    attempts: n,
    provider,
    orderId: orderIdFor(cycle.subscriptionId, cycle.deliveryDate, n),
    idempotencyKey: idempotencyKeyFor(cycle.subscriptionId, cycle.deliveryDate, n),
    orderName: cycle.orderName ?? (await orderNameFor(deps, subscription.shopId, cycle)),
    chargingSince: seoulTimestamp(deps.clock.now()),
    // If this worker dies, the next run finds the cycle under that run's date and looks it up.
    nextAttemptAt: nextRunAfter(scheduledAt, deps.chargeRunTimes).toISOString(),
  };
  if (!(await deps.subscriptions.updateCycle(claimed, 'NOTICED', read))) return 'reread';
  run.claimed = n;
  return charge(run, claimed, gateway, billingKey.billingKey, subscription);
}

/** A CHARGING cycle found by a later run or a redelivered message: the crash case, unless its worker may still be alive. */
async function resume(run: Run, cycle: Cycle): Promise<Step> {
  const { deps, scheduledAt } = run;
  const now = deps.clock.now();
  if (cycle.chargingSince !== undefined && Date.parse(cycle.chargingSince) + WORKER_LEASE_MS > now.getTime()) return done('busy');

  // Take the attempt over: of two workers finding the same stale claim, one wins.
  const taken: Cycle = { ...cycle, chargingSince: seoulTimestamp(now), nextAttemptAt: nextRunAfter(scheduledAt, deps.chargeRunTimes).toISOString() };
  if (!(await deps.subscriptions.updateCycle(taken, 'CHARGING', claimOf(cycle)))) return 'reread';

  const provider = taken.provider ?? (await currentProvider(deps, taken));
  const owner = await deps.subscriptions.get(taken.subscriptionId);
  if (!provider || !owner || !taken.orderId || !taken.idempotencyKey) {
    return toReview(run, taken, 'The attempt in flight is missing its provider or order id; it cannot be looked up.');
  }
  const gateway = await deps.gateways.gatewayFor(owner.shopId, provider);
  // Never charge blind: a PG that cannot say whether the money was taken leaves it to a person.
  if (!gateway.supportsLookup) return toReview(run, taken, `The outcome of order ${taken.orderId} is unknown and ${gateway.name} cannot look a charge up by order id.`);

  const found = await gateway.findChargeByOrderId(taken.orderId);
  if (found.status === 'NOT_FOUND') {
    // Nothing was taken under this order: charge again with the SAME order id and idempotency key (the PG dedups).
    const subscription = await deps.subscriptions.get(taken.subscriptionId);
    const billingKey = subscription ? await deps.billingKeys.get(subscription.shopId, subscription.customerId, subscription.paymentMethod) : undefined;
    if (!subscription || !billingKey || billingKey.provider !== provider) {
      return settle(run, taken, gateway, ownDecline('NO_BILLING_KEY', "The buyer's registered payment method is gone."), 'lookup');
    }
    return charge(run, taken, gateway, billingKey.billingKey, subscription);
  }
  return settle(run, taken, gateway, found, 'lookup');
}

/** The write conditions that make an attempt's owner the only writer. */
function claimOf(cycle: Cycle): { attempts: number; chargingSince?: string } {
  return { attempts: cycle.attempts ?? 0, ...(cycle.chargingSince !== undefined ? { chargingSince: cycle.chargingSince } : {}) };
}

async function currentProvider(deps: ChargeDeps, cycle: Cycle): Promise<PaymentProvider | undefined> {
  const subscription = await deps.subscriptions.get(cycle.subscriptionId);
  const shop = subscription ? await deps.shops.get(subscription.shopId) : undefined;
  return subscription && shop ? providerFor(shop, subscription.paymentMethod) : undefined;
}

async function charge(run: Run, cycle: Cycle, gateway: PaymentGateway, billingKey: string, subscription: Subscription): Promise<Step> {
  const outcome = await gateway.charge({
    billingKey,
    customerKey: customerKeyFor(subscription.shopId, subscription.customerId),
    // S18: exactly what the notice announced, never recomputed.
    amount: cycle.amount,
    orderId: cycle.orderId!,
    orderName: cycle.orderName ?? '정기배송',
    idempotencyKey: cycle.idempotencyKey!,
    ...(subscription.contact?.email ? { customerEmail: subscription.contact.email } : {}),
  });
  return settle(run, cycle, gateway, outcome, 'charge');
}

/** Records what the PG said (to the charge, or to the look-up by order id) about the attempt this worker holds. */
async function settle(run: Run, cycle: Cycle, gateway: PaymentGateway, outcome: ChargeOutcome, source: 'charge' | 'lookup'): Promise<Step> {
  const { deps, scheduledAt } = run;
  const now = deps.clock.now();
  const attempts = cycle.attempts ?? 0;

  if (outcome.status === 'PAID') {
    if (outcome.amount !== cycle.amount) {
      logger.error('The PG reports a paid amount other than the announced one', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, announced: cycle.amount, paid: outcome.amount });
    }
    const { chargingSince: _since, ...rest } = cycle;
    const charged: Cycle = {
      ...rest,
      status: 'CHARGED',
      paymentKey: outcome.paymentKey,
      approvedAt: outcome.approvedAt,
      chargedAt: seoulTimestamp(now),
      followUpsPending: true,
      nextAttemptAt: nextRunAfter(scheduledAt, deps.chargeRunTimes).toISOString(),
    };
    if (!(await deps.subscriptions.updateCycle(charged, 'CHARGING', claimOf(cycle)))) return 'reread';
    return finishCharged(run, charged, 'charged');
  }

  if (outcome.status === 'DECLINED') {
    const failure: ChargeFailure = { code: outcome.code, message: outcome.message, detail: outcome.detail, at: seoulTimestamp(now), attempt: attempts };
    const next = nextChargeAttempt(cycle.chargeDate, scheduledAt, deps.chargeRunTimes, deps.chargeRetryDays);
    if (next) {
      // Mail before the state change: a crash in between is redone by the look-up path, and the log sends it once.
      if (!cycle.lastFailure) await mailBuyer(run, cycle, await mailContext(deps, cycle), 'charge-failed', { ...failureVars(failure), nextAttempt: seoulWallClock(next), lastAttempt: seoulWallClock(lastChargeAttempt(cycle.chargeDate, deps.chargeRunTimes, deps.chargeRetryDays)) });
      const waiting: Cycle = { ...withoutAttempt(cycle), status: 'NOTICED', lastFailure: failure, nextAttemptAt: next.toISOString() };
      if (!(await deps.subscriptions.updateCycle(waiting, 'CHARGING', claimOf(cycle)))) return 'reread';
      return done('retry-scheduled');
    }
    const { chargingSince: _since, ...rest } = cycle;
    const failed: Cycle = { ...rest, status: 'FAILED', lastFailure: failure, failedAt: seoulTimestamp(now), followUpsPending: true, nextAttemptAt: nextRunAfter(scheduledAt, deps.chargeRunTimes).toISOString() };
    if (!(await deps.subscriptions.updateCycle(failed, 'CHARGING', claimOf(cycle)))) return 'reread';
    return finishFailed(run, failed, 'failed');
  }

  // UNKNOWN: the cycle stays CHARGING (already indexed under the next run, which looks the order up).
  if (!gateway.supportsLookup) return toReview(run, cycle, `The PG did not say whether order ${cycle.orderId} was paid (${outcome.message}) and cannot look it up.`);
  // A look-up that still cannot tell after the window has closed: a person decides (a charge's own UNKNOWN always gets a look-up first).
  if (source === 'lookup' && nextRunAfter(scheduledAt, deps.chargeRunTimes).getTime() > lastChargeAttempt(cycle.chargeDate, deps.chargeRunTimes, deps.chargeRetryDays).getTime()) {
    return toReview(run, cycle, `The outcome of order ${cycle.orderId} is still unknown at the end of the retry window (${outcome.message}).`);
  }
  logger.warn('Charge outcome unknown; the next run looks the order up', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, attempt: attempts, reason: outcome.message });
  return done('unknown');
}

/** Operator mail first (once), then REVIEW: out of the due index, shown as NOTICED with chargeProgress MANUAL_REVIEW. */
async function toReview(run: Run, cycle: Cycle, reason: string): Promise<Step> {
  const { deps } = run;
  const context = await mailContext(deps, cycle);
  if (context) {
    await mailOperator(run, cycle, context, 'charge-review', {
      orderId: cycle.orderId ?? '-',
      provider: cycle.provider ?? '-',
      attempt: cycle.attempts ?? 0,
      reason,
    });
  }
  const { chargingSince: _since, nextAttemptAt: _next, ...rest } = cycle;
  // The shop id puts the cycle in the shop's review list (GET /admin/subscriptions?cycleStatus=REVIEW).
  const review: Cycle = { ...rest, status: 'REVIEW', reviewReason: reason, ...(context ? { shopId: context.subscription.shopId } : {}) };
  if (!(await deps.subscriptions.updateCycle(review, 'CHARGING', claimOf(cycle)))) return 'reread';
  logger.error('Charge needs manual review', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, reason });
  return done('review');
}

/** Not chargeable at all (no payment method or billing key): FAILED at once, with a clear reason. */
async function failWithoutAttempt(run: Run, cycle: Cycle, reason: { code: string; message: string; detail: string }): Promise<Step> {
  const { deps, scheduledAt } = run;
  const now = seoulTimestamp(deps.clock.now());
  const failed: Cycle = {
    ...withoutAttempt(cycle),
    status: 'FAILED',
    lastFailure: { code: reason.code, message: reason.message, detail: reason.detail, at: now, attempt: cycle.attempts ?? 0 },
    failedAt: now,
    followUpsPending: true,
    nextAttemptAt: nextRunAfter(scheduledAt, deps.chargeRunTimes).toISOString(),
  };
  if (!(await deps.subscriptions.updateCycle(failed, 'NOTICED', { attempts: cycle.attempts ?? 0 }))) return 'reread';
  return finishFailed(run, failed, 'failed');
}

/** After CHARGED: the order for fulfilment, the charged event, the next delivery. Each step is idempotent. */
async function finishCharged(run: Run, cycle: Cycle, result: ChargeResult): Promise<Step> {
  const { deps } = run;
  const subscription = await deps.subscriptions.get(cycle.subscriptionId);
  if (subscription && cycle.orderId && cycle.paymentKey && cycle.approvedAt && cycle.chargedAt) {
    const order = {
      orderId: cycle.orderId,
      shopId: subscription.shopId,
      subscriptionId: cycle.subscriptionId,
      customerId: subscription.customerId,
      deliveryDate: cycle.deliveryDate,
      amount: cycle.amount,
      items: cycle.items,
      paymentKey: cycle.paymentKey,
      approvedAt: cycle.approvedAt,
      chargedAt: cycle.chargedAt,
      ...(subscription.shippingAddress ? { shippingAddress: subscription.shippingAddress } : {}),
    };
    await deps.orders.create(order);
    // At-least-once: a rerun publishes again under the same id, and consumers drop the repeat.
    await deps.events.publish({
      type: CYCLE_CHARGED_EVENT,
      id: cycle.orderId,
      shopId: subscription.shopId,
      detail: {
        subscriptionId: cycle.subscriptionId,
        customerId: subscription.customerId,
        deliveryDate: cycle.deliveryDate,
        orderId: cycle.orderId,
        amount: cycle.amount,
        items: cycle.items.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice })),
        paymentKey: cycle.paymentKey,
        approvedAt: cycle.approvedAt,
        chargedAt: cycle.chargedAt,
      },
    });
    await advance(run, cycle, subscription);
  } else {
    logger.error('A charged cycle lacks its subscription or payment facts; no order written', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate });
  }
  return closeFollowUps(run, cycle, result);
}

/** After FAILED: the buyer and the operator are told, and the subscription moves on to its next delivery anyway. */
async function finishFailed(run: Run, cycle: Cycle, result: ChargeResult): Promise<Step> {
  const { deps } = run;
  const context = await mailContext(deps, cycle);
  if (context) {
    const { subscription } = context;
    const stillRunning = subscription.status === 'ACTIVE' && subscription.nextDeliveryDate === cycle.deliveryDate;
    const following = stillRunning ? nextDeliveryDate(subscription.cycle, subscription.startDate, cycle.deliveryDate) : '-';
    const failure = cycle.lastFailure ?? { code: 'UNKNOWN', message: '-', at: cycle.failedAt ?? '-', attempt: cycle.attempts ?? 0 };
    const vars = { ...failureVars(failure), attempts: cycle.attempts ?? 0, nextDeliveryDate: following };
    await mailBuyer(run, cycle, context, 'charge-failed-final', vars);
    await mailOperator(run, cycle, context, 'charge-failed-operator', vars);
    await advance(run, cycle, subscription);
  }
  return closeFollowUps(run, cycle, result);
}

async function closeFollowUps(run: Run, cycle: Cycle, result: ChargeResult): Promise<Step> {
  const { followUpsPending: _pending, nextAttemptAt: _next, ...rest } = cycle;
  // Lost only to another worker closing the same follow-ups: either way they are done.
  await run.deps.subscriptions.updateCycle(rest, cycle.status, { attempts: cycle.attempts ?? 0 });
  return done(result);
}

/**
 * Moves the subscription to the delivery after this cycle's, back into the due
 * NOTICE index (noticedDeliveryDate cleared). Only while it is ACTIVE and its
 * next delivery is still this cycle's: a rerun, or a cancel in between, makes
 * it a no-op, so it never advances twice. Conditional on the version read.
 */
async function advance(run: Run, cycle: Cycle, read: Subscription): Promise<void> {
  const { deps, scheduledAt } = run;
  let subscription: Subscription | undefined = read;
  for (let round = 0; round < 5; round += 1) {
    if (!subscription || subscription.status !== 'ACTIVE' || subscription.nextDeliveryDate !== cycle.deliveryDate) return;
    let next = nextDeliveryDate(subscription.cycle, subscription.startDate, cycle.deliveryDate);
    // A notice date that is already past would never be noticed (after a long outage): go on to the first one ahead.
    const today = seoulDate(scheduledAt);
    while (addDays(next, -2) <= today) next = nextDeliveryDate(subscription.cycle, subscription.startDate, next);
    const { noticedDeliveryDate: _noticed, ...rest } = subscription;
    const advanced: Subscription = { ...rest, ...scheduleFor(next), updatedAt: seoulTimestamp(deps.clock.now()) };
    if (await deps.subscriptions.update(advanced, subscription.version ?? 0)) return;
    subscription = await deps.subscriptions.get(cycle.subscriptionId);
  }
  throw new Error(`Subscription ${cycle.subscriptionId} kept changing while being advanced`);
}

/** "Beans 1kg 외 1건": the first product's name and how many more (the PG shows it to the buyer; ≤ 100 characters). */
async function orderNameFor(deps: ChargeDeps, shopId: string, cycle: Cycle): Promise<string> {
  const [first, ...others] = cycle.items;
  if (!first) return '정기배송';
  const name = (await deps.products.get(shopId, first.productId))?.name ?? first.productId;
  const full = others.length > 0 ? `${name} 외 ${others.length}건` : name;
  return full.length <= 100 ? full : `${full.slice(0, 99)}…`;
}

// ---- Mails: each guarded by the notification log (written before the send), so it goes out once. ----

interface MailContext {
  readonly subscription: Subscription;
  readonly shop: Shop;
}

async function mailContext(deps: ChargeDeps, cycle: Cycle): Promise<MailContext | undefined> {
  const subscription = await deps.subscriptions.get(cycle.subscriptionId);
  const shop = subscription ? await deps.shops.get(subscription.shopId) : undefined;
  return subscription && shop ? { subscription, shop } : undefined;
}

function seoulWallClock(at: Date): string {
  return seoulTimestamp(at).slice(0, 16).replace('T', ' ');
}

function failureVars(failure: ChargeFailure): TemplateVars {
  // The buyer's mails use `reason` (ours); the operator's also shows the PG's own text (`pgDetail`).
  return { reason: failure.message, reasonCode: failure.code, pgDetail: failure.detail ?? '-' };
}

function cycleVars(cycle: Cycle, { subscription, shop }: MailContext): TemplateVars {
  const card = subscription.card;
  const method = subscription.paymentMethod === 'kakaopay' ? '카카오페이' : '카드';
  return {
    shopName: shop.name,
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
async function mailBuyer(run: Run, cycle: Cycle, context: MailContext | undefined, kind: MessageKind, vars: TemplateVars): Promise<void> {
  const to = context?.subscription.contact?.email;
  if (!context || !to) {
    logger.warn('No buyer address for a charge mail; not sent', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, kind });
    return;
  }
  await mailOnce(run, cycle, { to, kind, ...renderMail(`${kind}.mail`, { ...cycleVars(cycle, context), ...vars }) });
}

/** To the address in the shop's notification settings (S11), else the one the platform registered. */
async function mailOperator(run: Run, cycle: Cycle, context: MailContext, kind: MessageKind, vars: TemplateVars): Promise<void> {
  const to = (await run.deps.settings.getNotificationSettings(context.shop.shopId))?.operatorEmail ?? context.shop.operatorEmail;
  await mailOnce(run, cycle, { to, kind, ...renderMail(`${kind}.mail`, { ...cycleVars(cycle, context), ...vars }) });
}

/**
 * Sends a mail at most once per (cycle, kind) — up to MAX_MAIL_ATTEMPTS when
 * sends die half-way (the at-least-once edge, bounded). A send still in flight
 * elsewhere (younger than the lease) fails this item, to be retried later.
 */
async function mailOnce(run: Run, cycle: Cycle, mail: Mail): Promise<void> {
  const { deps } = run;
  const { kind } = mail;
  // Per (subscription, delivery date, kind): the cycle's own log entry, whoever the mail is for.
  const ref: NotificationRef = { to: 'customer', subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, kind, channel: 'mail' };
  const now = deps.clock.now();
  if (!(await deps.notifications.begin(ref, now))) {
    const record = await deps.notifications.get(ref);
    if (!record || record.state !== 'SENDING') return;
    if (Date.parse(record.attemptAt) + WORKER_LEASE_MS > now.getTime()) throw new Error(`The ${kind} mail of ${cycle.subscriptionId}/${cycle.deliveryDate} is being sent by another worker`);
    if (record.attempts >= MAX_MAIL_ATTEMPTS) {
      logger.error('A charge mail could not be confirmed sent after its last attempt; giving up', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, kind });
      return;
    }
    if (!(await deps.notifications.retry(ref, record, now))) throw new Error(`Another worker took the ${kind} mail of ${cycle.subscriptionId}/${cycle.deliveryDate}`);
  }
  const { messageId } = await deps.mailer.send(mail);
  await deps.notifications.settle(ref, { state: 'SENT', messageId }, deps.clock.now());
}

/**
 * The charge worker (S17, S18, S19): charges each noticed cycle of a message —
 * one shop's — exactly once, exactly the announced amount. The cycle's states
 * and every transition are the domain's (functions/domain/cycle.ts); this
 * reads, asks the domain, and writes each step as one conditional write,
 * ordered so that a process dying between any two is repaired by running the
 * item again, and a duplicate or concurrent run changes nothing twice.
 *
 * Primary course, per cycle: the cycle is NOTICED (its notice confirmed) and
 * due; the subscription still wants an announced item (S19); the shop's
 * service is active; the attempt is claimed (CHARGING, attempt n, order id and
 * idempotency key derived from it); the PG charges exactly the announced
 * amount (S18) with the buyer's billing key; then the follow-ups — the
 * subscription moved on to its next delivery (planned at the notice), the
 * charged event — and last the cycle CHARGED, which makes it the shop's order
 * and takes it out of the due index. Four writes in all, the reads of the
 * whole message in two BatchGetItems.
 *
 * Alternate courses (outcome.ts): a decline is retried at each charge run of
 * the retry window, then FAILED with buyer and operator told; an unknown
 * outcome stays CHARGING and the next run looks the order id up first (never
 * a blind second charge); a PG that cannot look up, or an outcome still
 * unknown at the end of the window, goes to REVIEW; a crash before the last
 * write leaves the cycle in the index, and the next run (or the message's
 * redelivery past the lease) completes it. A cancel can only skip a cycle
 * still NOTICED: once claimed, the charge stands and the cancel applies from
 * the next cycle.
 *
 * Retry schedule (S17): the first attempt at the first charge run on or after
 * the charge date; a decline is retried at every following charge run
 * (CHARGE_RUN_TIMES, default 10:00 and 17:00 Asia/Seoul) up to the last run on
 * chargeDate + CHARGE_RETRY_DAYS (3). "Now" for these decisions is the run's
 * scheduled time, never the wall clock.
 */
import type { Clock } from '../../core/clock.ts';
import { seoulTimestamp } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import type { BillingKeysRepository } from '../../adapters/dynamodb/billing-keys.repo.ts';
import type { CyclesRepository } from '../../adapters/dynamodb/cycles.repo.ts';
import type { NotificationsRepository } from '../../adapters/dynamodb/notifications.repo.ts';
import type { SettingsRepository } from '../../adapters/dynamodb/settings.repo.ts';
import type { ShopsRepository } from '../../adapters/dynamodb/shops.repo.ts';
import type { SubscriptionsRepository } from '../../adapters/dynamodb/subscriptions.repo.ts';
import type { EventPublisher, Mailer } from '../../adapters/messaging/ports.ts';
import type { BillingKeyRecord } from '../../domain/billing-key.ts';
import { chargeDue, claimHeld, nothingAnnouncedIsWanted, transition, type Cycle, type CycleRef } from '../../domain/cycle.ts';
import { nextRunAfter, type RunTime } from '../../domain/delivery-schedule.ts';
import type { Subscription } from '../../domain/subscription.ts';
import { ownDecline } from '../../adapters/gateways/declines.ts';
import type { ChargingGateway } from '../../adapters/gateways/payment-gateway.ts';
import { providerFor, type GatewayDirectory } from '../storefront-deps.ts';
import { charge, failWithoutAttempt, finishSkipped, settle, toReview, WORKER_LEASE_MS, type Run as RunOf, type Step } from './charge-outcome.ts';
import { settleEach, type ItemResult, type Work, type WorkReport } from './work.ts';

export { idempotencyKeyFor, orderIdFor } from '../../domain/cycle.ts';
export { chargeRunTimesFrom } from '../../charge-settings.ts';
export { CYCLE_CHARGED_EVENT, MAX_MAIL_ATTEMPTS, WORKER_LEASE_MS } from './charge-outcome.ts';

type Run = RunOf<ChargeDeps>;

export interface ChargeDeps {
  readonly cycles: CyclesRepository;
  readonly subscriptions: Pick<SubscriptionsRepository, 'get' | 'update'>;
  readonly shops: Pick<ShopsRepository, 'get' | 'countActiveSubscriptions'>;
  readonly settings: Pick<SettingsRepository, 'getNotificationSettings'>;
  readonly billingKeys: Pick<BillingKeysRepository, 'get'>;
  readonly notifications: NotificationsRepository;
  readonly gateways: GatewayDirectory<ChargingGateway>;
  readonly mailer: Mailer;
  /** One event per charged cycle, published before its CHARGED write (one item at a time: nothing to batch). */
  readonly events: Pick<EventPublisher, 'publish'>;
  /** The wall clock: claim times, leases, timestamps. Retry decisions use the run's scheduled time instead. */
  readonly clock: Clock;
  /** The charge runs' times (chargeRunTimesFrom): when a retry is due and when the window closes. */
  readonly chargeRunTimes: readonly RunTime[];
  /** Days after the charge date a decline is still retried (chargeRetryDaysFrom; default 3). */
  readonly chargeRetryDays?: number;
}

/** What processing one item did (for logs, metrics and tests). */
export type ChargeResult =
  /** This call recorded the payment and finished its follow-ups. */
  | 'charged'
  /** The follow-ups of an earlier attempt's payment were finished (found by looking the order up). */
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

/** One PG call at a time per worker: the queue's MaximumConcurrency alone sets the rate the PG sees. */
export const CHARGE_ITEMS_IN_PARALLEL = 1;

/** What one item needs, read with the others of its message. */
interface Loaded {
  readonly ref: CycleRef;
  cycle: Cycle | undefined;
  subscription: Subscription | undefined;
  billingKey: BillingKeyRecord | undefined;
}

/** Processes one message of the charge run: see the module comment. */
export async function chargeWork(deps: ChargeDeps, work: Work): Promise<WorkReport<ChargeReport>> {
  const scheduledAt = new Date(work.scheduledTime);
  if (Number.isNaN(scheduledAt.getTime())) throw new Error(`scheduledTime "${work.scheduledTime}" is not a timestamp`);
  // Everything at once: with the worker's batching client, one BatchGetItem, then one for the billing keys.
  const [shop, ...loaded] = await Promise.all([
    deps.shops.get(work.shopId),
    ...work.items.map(async (ref): Promise<Loaded> => {
      const [cycle, subscription] = await Promise.all([deps.cycles.get(ref), deps.subscriptions.get(ref.subscriptionId)]);
      const billingKey = subscription ? await deps.billingKeys.get(subscription.shopId, subscription.customerId, subscription.paymentMethod) : undefined;
      return { ref, cycle, subscription, billingKey };
    }),
  ]);
  const run: Run = { deps, scheduledAt, shop };
  const done = await settleEach(loaded as Loaded[], CHARGE_ITEMS_IN_PARALLEL, (item) => chargeItem(run, item));
  const results = done.map(({ entry, value, error, failed }): ItemResult<ChargeReport> => (failed ? { ref: entry.ref, error } : { ref: entry.ref, outcome: value! }));
  for (const result of results) if ('error' in result) logger.warn('Charge item failed; it is retried on its own', { ...result.ref, error: result.error as Error });
  return { results };
}

async function chargeItem(run: Run, item: Loaded): Promise<ChargeReport> {
  const { deps } = run;
  let { cycle, subscription } = item;
  // A lost conditional write means someone else moved the cycle: decide again from what is true now.
  for (let round = 0; round < 4; round += 1) {
    if (!cycle) return { result: 'nothing-to-do', ...item.ref };
    const step = await decide(run, cycle, subscription, item.billingKey);
    if (step !== 'reread') {
      logger.info('Charge item processed', { ...item.ref, result: step.done, attempts: step.cycle?.attempts ?? cycle.attempts ?? 0, scheduledTime: seoulTimestamp(run.scheduledAt) });
      return { result: step.done, ...item.ref };
    }
    [cycle, subscription] = await Promise.all([deps.cycles.get(item.ref), deps.subscriptions.get(item.ref.subscriptionId)]);
  }
  // Rare: the cycle kept changing under us. Failing the item retries it later.
  throw new Error(`Cycle ${item.ref.subscriptionId}/${item.ref.deliveryDate} kept changing while being charged`);
}

async function decide(run: Run, cycle: Cycle, subscription: Subscription | undefined, billingKey: BillingKeyRecord | undefined): Promise<Step> {
  switch (cycle.status) {
    case 'NOTICED':
      return attempt(run, cycle, subscription, billingKey);
    case 'CHARGING':
      return resume(run, cycle, subscription, billingKey);
    default:
      // SCHEDULED and NOTICING (never announced: never charged), SKIPPED, CANCELLED, REVIEW, CHARGED, FAILED.
      return { done: 'nothing-to-do' };
  }
}

async function attempt(run: Run, cycle: Cycle, subscription: Subscription | undefined, billingKey: BillingKeyRecord | undefined): Promise<Step> {
  const { deps, scheduledAt, shop } = run;
  if (!chargeDue(cycle, scheduledAt)) return { done: 'not-due' };
  if (!subscription) {
    logger.error('A noticed cycle has no subscription; not charged', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate });
    return { done: 'nothing-to-do' };
  }
  if (nothingAnnouncedIsWanted(subscription, cycle)) return finishSkipped(run, cycle, subscription);
  if (!shop || shop.service.status !== 'ACTIVE') {
    // S21-S22: a stopped service cancels its subscriptions (the stop cascade); never charge meanwhile.
    logger.warn('The shop service is not active; the cycle is left NOTICED and not charged', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, shopId: cycle.shopId, service: shop?.service.status ?? 'NO_SHOP' });
    return { done: 'service-inactive' };
  }
  const provider = providerFor(shop, subscription.paymentMethod);
  if (!provider) return failWithoutAttempt(run, cycle, subscription, ownDecline('PAYMENT_METHOD_NOT_AVAILABLE', `The shop no longer takes ${subscription.paymentMethod} for subscriptions.`));
  if (!billingKey || billingKey.provider !== provider) return failWithoutAttempt(run, cycle, subscription, ownDecline('NO_BILLING_KEY', "The buyer has no registered payment method with the shop's payment gateway."));
  // Before the claim: an unavailable PG fails the item (retried) without touching the cycle.
  // The shop's own contract with the PG: never another shop's keys (issue 10).
  const gateway = await deps.gateways.gatewayFor(cycle.shopId, provider);
  const claimed = transition(cycle, { type: 'claim', provider, at: deps.clock.now(), nextRun: nextRunAfter(scheduledAt, deps.chargeRunTimes) });
  if (!claimed.ok || !(await deps.cycles.write(claimed.next, claimed.expect))) return 'reread';
  return charge(run, claimed.next, gateway, billingKey.billingKey, subscription);
}

/** A CHARGING cycle found by a later run or a redelivered message: the crash case, unless its worker may still be alive. */
async function resume(run: Run, cycle: Cycle, subscription: Subscription | undefined, billingKey: BillingKeyRecord | undefined): Promise<Step> {
  const { deps, scheduledAt, shop } = run;
  const now = deps.clock.now();
  if (claimHeld(cycle, now, WORKER_LEASE_MS)) return { done: 'busy' };
  // Take the attempt over: of two workers finding the same stale claim, one wins.
  const taken = transition(cycle, { type: 'takeOver', at: now, nextRun: nextRunAfter(scheduledAt, deps.chargeRunTimes) });
  if (!taken.ok || !(await deps.cycles.write(taken.next, taken.expect))) return 'reread';
  const claim = taken.next;
  const provider = claim.provider ?? (shop && subscription ? providerFor(shop, subscription.paymentMethod) : undefined);
  if (!provider || !subscription || !claim.orderId || !claim.idempotencyKey) return toReview(run, claim, 'The attempt in flight is missing its provider or order id; it cannot be looked up.');
  const gateway = await deps.gateways.gatewayFor(claim.shopId, provider);
  // Never charge blind: a PG that cannot say whether the money was taken leaves it to a person.
  if (!gateway.supportsLookup) return toReview(run, claim, `The outcome of order ${claim.orderId} is unknown and ${gateway.name} cannot look a charge up by order id.`);
  const found = await gateway.findChargeByOrderId(claim.orderId);
  if (found.status !== 'NOT_FOUND') return settle(run, claim, gateway, found, 'lookup', subscription);
  // Nothing was taken under this order: charge again with the SAME order id and idempotency key (the PG dedups).
  if (!billingKey || billingKey.provider !== provider) return settle(run, claim, gateway, ownDecline('NO_BILLING_KEY', "The buyer's registered payment method is gone."), 'lookup', subscription);
  return charge(run, claim, gateway, billingKey.billingKey, subscription);
}

/** One item on its own (tests, a single invocation): a message of one. */
export async function processCharge(deps: ChargeDeps, item: Omit<Work, 'items' | 'kind'> & { readonly ref: CycleRef }): Promise<ChargeReport> {
  const { results } = await chargeWork(deps, { kind: 'CHARGE', date: item.date, scheduledTime: item.scheduledTime, shopId: item.shopId, messageId: item.messageId, items: [item.ref] });
  const [result] = results;
  if (!result) throw new Error('No result');
  if ('error' in result) throw result.error;
  return result.outcome;
}

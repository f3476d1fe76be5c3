/**
 * The shop charges a FAILED cycle once more (issue 13): POST
 * /admin/subscriptions/{id}/cycles/{deliveryDate}/retry — e.g. after the buyer
 * topped up their card or registered a new one. The route's half: it checks
 * and hands the charge to the charge worker; the worker's half claims and
 * charges (runs/charge-retry.ts).
 *
 * Why not charge here: a PG charge can outlast API Gateway's 30 s integration
 * limit (Toss's client timeout is 30 s) — the merchant would be told 503 while
 * the charge goes on — and every other charge goes through the charge worker,
 * whose queue's concurrency cap is the PG's rate throttle (docs/scale.md).
 *
 * Primary course: the subscription is the shop's and the cycle is FAILED; the
 * buyer still wants what was announced (S19), the shop's service is active and
 * the buyer has a billing key with the shop's PG (retry-check.ts) — checked
 * before anything is written, so a refusal leaves the cycle FAILED as it was.
 * Then one RETRY message on the charge worker's queue, and 202 with the cycle
 * as it is (FAILED). Crash: before the send nothing is written (the merchant
 * retries); after it the message carries the retry. Two retries at once both
 * enqueue; the worker's claim is one conditional write, so one of them charges.
 */
import { seoulDate } from '../core/dates.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import type { Clock } from '../core/clock.ts';
import { toCycleView } from '../domain/cycle.ts';
import type { BillingKeysRepository } from '../adapters/dynamodb/billing-keys.repo.ts';
import type { CyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import type { SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import type { WorkQueue } from '../adapters/messaging/ports.ts';
import type { WorkMessage } from '../../system/functions.ts';
import type { Cycle } from '../domain/cycle.ts';
import type { Subscription } from '../domain/subscription.ts';
import { ownDecline } from '../adapters/gateways/declines.ts';
import { RETRY_KIND, retryCheck, type RetryRefusal } from './retry-check.ts';

export interface RetryCycleDeps {
  readonly subscriptions: Pick<SubscriptionsRepository, 'get'>;
  readonly cycles: Pick<CyclesRepository, 'get'>;
  readonly shops: Pick<ShopsRepository, 'get'>;
  readonly billingKeys: Pick<BillingKeysRepository, 'getMasked'>;
  /** The charge worker's queue. */
  readonly workQueue: WorkQueue;
  readonly clock: Clock;
}

/** The function that puts retries on the charge worker's queue, and their kind (the local router queue routes by it). */
export const RETRY_ENQUEUED_KIND = { retryCycle: RETRY_KIND } as const;

export async function retryCycle(deps: RetryCycleDeps, shopId: string, subscriptionId: string, deliveryDate: string) {
  const ref = { subscriptionId, deliveryDate };
  const [subscription, cycle, shop] = await Promise.all([deps.subscriptions.get(subscriptionId), deps.cycles.get(ref), deps.shops.get(shopId)]);
  // Only the shop's own buyer's registration is read (never another shop's).
  const billingKey = subscription?.shopId === shopId ? await deps.billingKeys.getMasked(shopId, subscription.customerId, subscription.paymentMethod) : undefined;
  const checked = retryCheck({ shopId, subscription, cycle, shop, billingKey });
  if (!checked.ok) throw refusalError(checked.refusal, subscription, cycle);
  const now = deps.clock.now();
  const message: WorkMessage = { kind: RETRY_KIND, date: seoulDate(now), scheduledTime: now.toISOString(), shopId, items: [ref] };
  await deps.workQueue.send([message]);
  return { outcome: 'PENDING' as const, cycle: toCycleView(checked.cycle) };
}

/** The merchant's answer to a refusal (every code is documented on the route: merchant-actions.docs.ts). */
function refusalError(refusal: RetryRefusal, subscription: Subscription | undefined, cycle: Cycle | undefined): NotFound | Conflict {
  switch (refusal) {
    case 'SUBSCRIPTION_NOT_FOUND':
      return new NotFound('The subscription');
    case 'CYCLE_NOT_FOUND':
      return new NotFound('The cycle');
    case 'CHARGE_IN_PROGRESS':
      return new Conflict(refusal, 'This cycle is being charged right now (an earlier retry, or the charge run); look at it again shortly.');
    case 'CYCLE_NOT_FAILED':
      return new Conflict(refusal, `Only a FAILED cycle can be retried; this one is ${cycle?.status}.`);
    case 'NOTHING_TO_CHARGE':
      return new Conflict(refusal, 'The buyer has cancelled every item this delivery announced (S19); it is not charged.');
    case 'SERVICE_NOT_ACTIVE':
      return new Conflict(refusal, "The shop's subscription service is not active.");
    case 'PAYMENT_METHOD_NOT_AVAILABLE':
      return new Conflict(refusal, ownDecline(refusal, `The shop no longer takes ${subscription?.paymentMethod} for subscriptions.`).message);
    case 'NO_BILLING_KEY':
      return new Conflict(refusal, "The buyer has no registered payment method with the shop's payment gateway; the buyer must register a card first.");
  }
}

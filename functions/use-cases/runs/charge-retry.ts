/**
 * The charge worker's half of the shop's retry of a FAILED cycle (a RETRY
 * message from POST …/cycles/{deliveryDate}/retry, use-cases/retry-cycle.ts).
 *
 * Primary course: the facts are read again and the route's own check asked
 * again (retry-check.ts: what was true at the request may not be any more);
 * the domain's `retry` claims attempt n+1 (FAILED → CHARGING, its own order id
 * and idempotency key) in one conditional write; the charge run's own step
 * charges exactly the announced amount (charge-outcome.ts `charge`), with
 * `finalDecline`: paid → the delivery counted (late: the subscription moved
 * past it uncounted when it FAILED; domain delivery-count.ts), CHARGED, the
 * order, the charged event; declined →
 * FAILED again at once with the PG's reason; unknown → left CHARGING under the
 * next charge run, which looks the order id up first (never a blind charge).
 * Two retry messages of one cycle: one claims; the other finds it CHARGING or
 * CHARGED and does nothing. Crash after the claim: the cycle is CHARGING in the
 * due index under the next charge run, which takes it over past the lease.
 */
import { logger } from '../../core/logger.ts';
import type { BillingKeyRecord } from '../../domain/billing-key.ts';
import { transition, type Cycle } from '../../domain/cycle.ts';
import { nextRunAfter } from '../../domain/delivery-schedule.ts';
import type { Subscription } from '../../domain/subscription.ts';
import { retryCheck } from '../retry-check.ts';
import { charge, type Run, type Step } from './charge-outcome.ts';
import type { ChargeDeps } from './charge.ts';

/** Claims and charges a retried cycle if it may still be charged; otherwise leaves it as it is. */
export async function chargeRetry(run: Run<ChargeDeps>, cycle: Cycle, subscription: Subscription | undefined, billingKey: BillingKeyRecord | undefined): Promise<Step> {
  const { deps, shop } = run;
  // The message's shop (run.shop) must be the subscription's: a retry never charges through another shop's contract.
  const checked = retryCheck({ shopId: shop?.shopId ?? cycle.shopId, subscription, cycle, shop, billingKey });
  if (!checked.ok) {
    // The other message of a double retry (or a redelivery) finds the claim or its result: nothing to do.
    if (checked.refusal === 'CHARGE_IN_PROGRESS') return { done: 'busy' };
    if (checked.refusal !== 'CYCLE_NOT_FAILED') logger.warn('A retried cycle can no longer be charged; left as it is', { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate, refusal: checked.refusal });
    return { done: 'nothing-to-do' };
  }
  // Before the claim: an unavailable PG fails the item (the message is retried) without touching the cycle.
  const gateway = await deps.gateways.gatewayFor(cycle.shopId, checked.provider);
  // "Now" is when the worker charges, not when the merchant asked (a put-back message may come later).
  const now = deps.clock.now();
  const claimed = transition(cycle, { type: 'retry', provider: checked.provider, at: now, nextRun: nextRunAfter(now, deps.chargeRunTimes) });
  if (!claimed.ok || !(await deps.cycles.write(claimed.next, claimed.expect))) return 'reread';
  return charge({ ...run, scheduledAt: now, finalDecline: true }, claimed.next, gateway, checked.billingKey.billingKey, checked.subscription);
}

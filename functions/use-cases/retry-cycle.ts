/**
 * The shop charges a FAILED cycle once more, now (issue 13): POST
 * /admin/subscriptions/{id}/cycles/{deliveryDate}/retry — e.g. after the buyer
 * topped up their card or registered a new one.
 *
 * Primary course: the subscription is the shop's and the cycle is FAILED; the
 * buyer still wants what was announced (S19), the shop's service is active and
 * the buyer has a billing key with the shop's PG — checked before anything is
 * written, so a refusal leaves the cycle FAILED as it was. Then the domain's
 * `retry` claims attempt n+1 (CHARGING, its own order id and idempotency key,
 * exactly as the charge run's claim: functions/domain/cycle.ts) in one
 * conditional write — of two retries at once, one wins and the other is told
 * 409 — and the charge run's own step charges exactly the announced amount
 * (runs/charge-outcome.ts `charge`): paid → CHARGED, the order, the charged
 * event; declined → FAILED again at once (`finalDecline`: no retry window),
 * with the PG's reason; unknown → left CHARGING under the next charge run,
 * which looks the order id up before anything else (never a blind second
 * charge), like any attempt of the charge run.
 * Crash: after the claim, the cycle is CHARGING in the due index under the
 * next charge run, which takes it over past the lease and looks its order up.
 */
import { Conflict, NotFound } from '../core/errors.ts';
import { nothingAnnouncedIsWanted, toCycleView, transition, type Cycle, type CycleRef } from '../domain/cycle.ts';
import { nextRunAfter } from '../domain/delivery-schedule.ts';
import { ownDecline } from '../adapters/gateways/declines.ts';
import type { BillingKeysRepository } from '../adapters/dynamodb/billing-keys.repo.ts';
import { charge, type FollowUpDeps } from './runs/charge-outcome.ts';
import type { ChargingGateway } from '../adapters/gateways/payment-gateway.ts';
import { providerFor, type GatewayDirectory } from './storefront-deps.ts';

export interface RetryCycleDeps extends FollowUpDeps {
  readonly gateways: GatewayDirectory<ChargingGateway>;
  readonly billingKeys: Pick<BillingKeysRepository, 'get'>;
}

/** What the retry came to: charged; declined (the cycle stays FAILED with the reason); or not known yet. */
export type RetryOutcome = 'CHARGED' | 'DECLINED' | 'PENDING' | 'REVIEW';

const OUTCOMES: Partial<Record<Cycle['status'], RetryOutcome>> = { CHARGED: 'CHARGED', FAILED: 'DECLINED', CHARGING: 'PENDING', NOTICED: 'PENDING', REVIEW: 'REVIEW' };

function notFailed(cycle: Cycle): Conflict {
  if (cycle.status === 'CHARGING') return new Conflict('CHARGE_IN_PROGRESS', 'This cycle is being charged right now (another retry, or the charge run); look at it again shortly.');
  return new Conflict('CYCLE_NOT_FAILED', `Only a FAILED cycle can be retried; this one is ${cycle.status}.`);
}

export async function retryCycle(deps: RetryCycleDeps, shopId: string, subscriptionId: string, deliveryDate: string) {
  const subscription = await deps.subscriptions.get(subscriptionId);
  if (!subscription || subscription.shopId !== shopId) throw new NotFound('The subscription');
  const ref: CycleRef = { subscriptionId, deliveryDate };
  const cycle = await deps.cycles.get(ref);
  // A planned (SCHEDULED) cycle is not shown anywhere: as good as none.
  if (!cycle || cycle.status === 'SCHEDULED') throw new NotFound('The cycle');
  if (cycle.status !== 'FAILED') throw notFailed(cycle);
  if (nothingAnnouncedIsWanted(subscription, cycle)) throw new Conflict('NOTHING_TO_CHARGE', 'The buyer has cancelled every item this delivery announced (S19); it is not charged.');

  const shop = await deps.shops.get(shopId);
  if (!shop || shop.service.status !== 'ACTIVE') throw new Conflict('SERVICE_NOT_ACTIVE', "The shop's subscription service is not active.");
  const provider = providerFor(shop, subscription.paymentMethod);
  if (!provider) throw new Conflict('PAYMENT_METHOD_NOT_AVAILABLE', ownDecline('PAYMENT_METHOD_NOT_AVAILABLE', `The shop no longer takes ${subscription.paymentMethod} for subscriptions.`).message);
  const billingKey = await deps.billingKeys.get(shopId, subscription.customerId, subscription.paymentMethod);
  if (!billingKey || billingKey.provider !== provider) throw new Conflict('NO_BILLING_KEY', "The buyer has no registered payment method with the shop's payment gateway; the buyer must register a card first.");
  // Before the claim: an unavailable PG fails the request without touching the cycle.
  const gateway = await deps.gateways.gatewayFor(shopId, provider);

  const now = deps.clock.now();
  // If this request dies after the claim, the next charge run finds the attempt and looks its order id up.
  const claimed = transition(cycle, { type: 'retry', provider, at: now, nextRun: nextRunAfter(now, deps.chargeRunTimes) });
  if (!claimed.ok) throw notFailed(cycle);
  if (!(await deps.cycles.write(claimed.next, claimed.expect))) {
    const current = await deps.cycles.get(ref);
    throw current ? notFailed(current) : new NotFound('The cycle');
  }
  const step = await charge({ deps, scheduledAt: now, shop, finalDecline: true }, claimed.next, gateway, billingKey.billingKey, subscription);
  // 'reread': the last write lost to a charge run that took the attempt over (past the lease): what is true now.
  const settled = step !== 'reread' && step.cycle ? step.cycle : await deps.cycles.get(ref);
  if (!settled) throw new NotFound('The cycle');
  return { outcome: OUTCOMES[settled.status] ?? 'PENDING', cycle: toCycleView(settled) };
}

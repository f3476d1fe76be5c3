/**
 * An operator closes a cycle left in REVIEW (issue 10): POST
 * /admin/subscriptions/{id}/cycles/{deliveryDate}/resolve.
 *
 * Primary course: the subscription is the shop's; its cycle is in REVIEW; the
 * domain's `resolve` transition (functions/domain/cycle.ts) takes it to
 * CHARGED or FAILED, and the charge worker's own follow-ups run first (the
 * charged event — the CHARGED cycle is the order — or the buyer's and
 * operator's mails), then one conditional write (runs/charge-outcome.ts
 * `resolveReview`). The subscription already moved on when the cycle went to
 * REVIEW, uncounted: resolved as charged, the delivery is counted then, once,
 * before the cycle's write (issue 14's delivery number; domain delivery-count.ts).
 * Alternates: another shop's or unknown → 404; not in REVIEW → 409
 * CYCLE_NOT_IN_REVIEW; the same outcome again → the same answer, nothing
 * redone; a crash before the write → the cycle is still in REVIEW, and a
 * repeat redoes the follow-ups, each once (send-once mails, the event's id).
 */
import { seoulTimestamp } from '../core/dates.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { alreadyResolved, type ReviewOutcome } from '../domain/cycle.ts';
import { toSubscriptionDetailView } from '../domain/subscription.ts';
import type { SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { resolveReview, type FollowUpDeps } from './runs/charge-outcome.ts';

export interface ResolveCycleDeps extends Omit<FollowUpDeps, 'subscriptions'> {
  readonly subscriptions: Pick<SubscriptionsRepository, 'get' | 'update' | 'getWithCycles'>;
}

export async function resolveCycle(
  deps: ResolveCycleDeps,
  shopId: string,
  by: string,
  subscriptionId: string,
  deliveryDate: string,
  request: { readonly outcome: ReviewOutcome; readonly pgReference?: string | undefined },
) {
  const owner = await deps.subscriptions.get(subscriptionId);
  if (!owner || owner.shopId !== shopId) throw new NotFound('The subscription');
  const now = deps.clock.now();
  const run = { deps, scheduledAt: now, shop: await deps.shops.get(shopId) };
  for (let round = 0; round < 3; round += 1) {
    const cycle = await deps.cycles.get({ subscriptionId, deliveryDate });
    // A planned (SCHEDULED) cycle is not shown anywhere: as good as none.
    if (!cycle || cycle.status === 'SCHEDULED') throw new NotFound('The cycle');
    if (!alreadyResolved(cycle, request.outcome)) {
      if (cycle.status !== 'REVIEW') {
        throw new Conflict('CYCLE_NOT_IN_REVIEW', `This cycle is not waiting for a review${cycle.resolution ? ` (it was resolved as ${cycle.resolution.outcome})` : ''}.`);
      }
      const subscription = round === 0 ? owner : await deps.subscriptions.get(subscriptionId);
      if (!subscription) throw new NotFound('The subscription');
      const resolution = { outcome: request.outcome, at: seoulTimestamp(now), by, ...(request.pgReference !== undefined ? { pgReference: request.pgReference } : {}) };
      if ((await resolveReview(run, cycle, subscription, resolution)) === 'reread') continue;
    }
    const detail = await deps.subscriptions.getWithCycles(subscriptionId);
    if (!detail) throw new NotFound('The subscription');
    return toSubscriptionDetailView(detail);
  }
  throw new Conflict('CYCLE_NOT_IN_REVIEW', 'This cycle kept changing while being resolved; try again.');
}

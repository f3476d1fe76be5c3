/**
 * An operator closes a cycle left in REVIEW (issue 10): POST
 * /admin/subscriptions/{id}/cycles/{deliveryDate}/resolve.
 *
 * Primary course: the subscription is the shop's; its cycle is in REVIEW; one
 * conditional write moves it to CHARGED or FAILED with follow-ups pending
 * (domain/cycle-review.ts), and the follow-ups run at once through the charge
 * worker's own code (order and charged event, or the buyer's and operator's
 * mails; then the subscription's advance), each idempotent.
 * Alternates: another shop's or unknown → 404; not in REVIEW → 409
 * CYCLE_NOT_IN_REVIEW; the same outcome again → the same answer (the
 * follow-ups are re-run, harmlessly); a crash after the write → the cycle
 * waits in the due CHARGE index and the next charge run finishes it.
 */
import type { Clock } from '../core/clock.ts';
import { seoulTimestamp } from '../core/dates.ts';
import { NotFound } from '../core/errors.ts';
import { alreadyResolved, resolveReview, type ReviewOutcome } from '../domain/cycle-review.ts';
import { toSubscriptionDetailView } from '../domain/subscription.ts';
import type { SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';

export interface ResolveCycleDeps {
  readonly clock: Clock;
  readonly subscriptions: Pick<SubscriptionsRepository, 'get' | 'getCycle' | 'updateCycle' | 'getWithCycles'>;
  /** Runs a cycle's pending follow-ups now (the charge worker's processing of that cycle). */
  readonly finishFollowUps: (subscriptionId: string, deliveryDate: string, scheduledTime: string) => Promise<unknown>;
}

export async function resolveCycle(
  deps: ResolveCycleDeps,
  shopId: string,
  by: string,
  subscriptionId: string,
  deliveryDate: string,
  request: { readonly outcome: ReviewOutcome; readonly pgReference?: string | undefined },
) {
  const subscription = await deps.subscriptions.get(subscriptionId);
  if (!subscription || subscription.shopId !== shopId) throw new NotFound('The subscription');
  const now = deps.clock.now();
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const cycle = await deps.subscriptions.getCycle(subscriptionId, deliveryDate);
    if (!cycle) throw new NotFound('The cycle');
    if (!alreadyResolved(cycle, request.outcome)) {
      const at = seoulTimestamp(now);
      const next = resolveReview(cycle, { outcome: request.outcome, by, at, followUpsAt: now.toISOString(), ...(request.pgReference !== undefined ? { pgReference: request.pgReference } : {}) });
      if (!(await deps.subscriptions.updateCycle(next, 'REVIEW', { attempts: cycle.attempts ?? 0 }))) continue;
    }
    await deps.finishFollowUps(subscriptionId, deliveryDate, now.toISOString());
    const detail = await deps.subscriptions.getWithCycles(subscriptionId);
    if (!detail) throw new NotFound('The subscription');
    return toSubscriptionDetailView(detail);
  }
  throw new NotFound('The cycle');
}

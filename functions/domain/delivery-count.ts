/**
 * The delivery count (issue 14: `chargedDeliveries`, which the next notice locks as delivery number
 * `chargedDeliveries + 1` — discounts by delivery number, `maxDeliveries`) for a delivery charged LATE: after
 * the subscription had moved past it uncounted. A charge attempt that ends in REVIEW (an operator decides) or
 * FAILED (the shop may retry it) moves the subscription on at once, so the next delivery never waits on a
 * person (S17); a buyer's pause while a charge is in flight leaves it the same way (issue 13: the charge
 * stands). If that cycle is charged afterwards — resolved as charged, a shop's retry that pays, the paused
 * charge's own payment — it is counted then, exactly once.
 *
 * How exactly once holds without transactions: the advance that passes such a cycle uncounted records its
 * delivery date in `uncountedDeliveries` in the same conditional write; the late count takes the date out and
 * adds 1 in one write conditional on the subscription's version (subscriptions.repo.ts `update`). The date's
 * absence is the proof the delivery was counted (or never owed a count: the charge worker's advance counted it
 * before a crash), so a repeat, a duplicate trigger or a concurrent resolve finds nothing to count.
 */
import type { Cycle, CycleState } from './cycle.ts';
import type { Subscription } from './subscription.ts';

/**
 * The states a subscription leaves before the cycle's charge is settled, so it may still be charged later:
 * REVIEW and FAILED (the advance past them), CHARGING (a pause while a charge is in flight: it stands).
 */
const STILL_CHARGEABLE: readonly CycleState[] = ['CHARGING', 'REVIEW', 'FAILED'];

/**
 * The subscription as a write that leaves `cycle` WITHOUT counting it leaves it (an advance past it, a pause):
 * a cycle still chargeable later (CHARGING, REVIEW, FAILED) is recorded as owing its count; any other (skipped,
 * cancelled) owes nothing.
 */
export function passedUncounted(subscription: Subscription, cycle: Pick<Cycle, 'status' | 'deliveryDate'>): Subscription {
  if (!STILL_CHARGEABLE.includes(cycle.status)) return subscription;
  const owed = subscription.uncountedDeliveries ?? [];
  return owed.includes(cycle.deliveryDate) ? subscription : { ...subscription, uncountedDeliveries: [...owed, cycle.deliveryDate] };
}

/** Whether a charge of `cycle` now still owes the subscription its count (it was passed uncounted, and not counted since). */
export function owesCount(subscription: Pick<Subscription, 'uncountedDeliveries'>, cycle: Pick<Cycle, 'deliveryDate'>): boolean {
  return (subscription.uncountedDeliveries ?? []).includes(cycle.deliveryDate);
}

/**
 * The late count of a delivery charged after the subscription moved past it: one more charged delivery, the
 * date no longer owed — or undefined when nothing is owed (counted already, or never passed uncounted). Any
 * status: the count is a fact about deliveries made (a PAUSED subscription resumes with it; a COMPLETED or
 * CANCELLED one reports it). When the corrected count uses a line's `maxDeliveries` up, the next notice's
 * pricing (cycle-pricing.ts `priceCycle`: `exhausted`) completes the subscription without charging again.
 */
export function countLate(subscription: Subscription, cycle: Pick<Cycle, 'deliveryDate'>, at: string): Subscription | undefined {
  if (!owesCount(subscription, cycle)) return undefined;
  const { uncountedDeliveries: owed = [], ...rest } = subscription;
  const still = owed.filter((date) => date !== cycle.deliveryDate);
  return { ...rest, chargedDeliveries: (subscription.chargedDeliveries ?? 0) + 1, ...(still.length > 0 ? { uncountedDeliveries: still } : {}), updatedAt: at };
}

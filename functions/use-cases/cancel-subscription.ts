import { seoulDate, seoulTimestamp } from '../core/dates.ts';
import { Conflict, NotFound, Unprocessable } from '../core/errors.ts';
import { advance, nothingAnnouncedIsWanted, scheduledCycle, transition, type Cycle } from '../domain/cycle.ts';
import { withHistory, type Actor } from '../domain/between-deliveries.ts';
import { DEFAULT_DELIVERY_CALENDAR } from '../domain/delivery-calendar.ts';
import { cancelWhole, type CancelReason, type Subscription, type SubscriptionWithCycles } from '../domain/subscription.ts';
import { ownSubscription } from './check-out.ts';
import { publishCycleEvent } from './cycle-events.ts';
import type { StorefrontDeps } from './storefront-deps.ts';
import { subscriptionEvents, type EventDeps } from './subscription-events.ts';

const MAX_ATTEMPTS = 3;

/**
 * The buyer cancels some items, or all of them (S18, S19).
 *
 * Primary course, before the current cycle's payment notice: the items (or the
 * whole subscription) are cancelled at once; a whole cancel leaves the due
 * index, so nothing more is noticed or charged.
 * After the notice (the cycle is NOTICED, not yet charged): a partial cancel is
 * recorded on the subscription and applies from the next cycle — the announced
 * amount is still charged (S18); when every announced item is cancelled, that
 * cycle is SKIPPED first, so it is never charged (S19). If the charge run got
 * there first (the cycle left NOTICED), the charge stands and the cancel applies
 * from the next cycle.
 * Alternates: a product not in the subscription → 422; already cancelled →
 * the same answer again. The shop cancelling on the buyer's behalf
 * (use-cases/cancel-on-behalf.ts) runs this same course with `reason`
 * MERCHANT_REQUEST (its event says `merchant`).
 */
export async function cancelSubscription(
  deps: Pick<StorefrontDeps, 'subscriptions' | 'cycles' | 'shops' | 'clock'> & EventDeps,
  shopId: string,
  customerId: string,
  subscriptionId: string,
  productIds?: readonly string[],
  options: { readonly reason?: Exclude<CancelReason, 'SERVICE_STOPPED'>; readonly by?: Actor } = {},
): Promise<SubscriptionWithCycles> {
  const reason = options.reason ?? 'CUSTOMER_REQUEST';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const subscription = await ownSubscription(deps, shopId, customerId, subscriptionId);
    const unknown = (productIds ?? []).filter((id) => !subscription.items.some((item) => item.productId === id));
    if (unknown.length > 0) {
      throw new Unprocessable('PRODUCT_NOT_IN_SUBSCRIPTION', 'Some products are not part of this subscription.', unknown.map((id) => ({ path: `productIds.${(productIds ?? []).indexOf(id)}`, message: `${id} is not in this subscription.` })));
    }
    if (subscription.status === 'CANCELLED') {
      // A repeat publishes the same event id again (a crash may have lost the first); consumers drop it.
      if (subscription.cancelReason !== 'SERVICE_STOPPED') await deps.events.publish(subscriptionEvents.cancelled(subscription));
      return withCycles(deps, subscriptionId);
    }
    // Issue 14: it ended by delivering everything it was for; a cancel would rewrite that history.
    if (subscription.status === 'COMPLETED') throw new Conflict('SUBSCRIPTION_COMPLETED', 'This subscription is completed: every delivery it was for was charged, nothing is left to cancel.');

    const now = deps.clock.now();
    const at = seoulTimestamp(now);
    const cancelIds = new Set(productIds ?? subscription.items.map((item) => item.productId));
    const items = subscription.items.map((item) => (cancelIds.has(item.productId) ? { ...item, status: 'CANCELLED' as const } : item));
    const whole = items.every((item) => item.status === 'CANCELLED');

    const current = await withCycles(deps, subscriptionId);
    const atNext = current.cycles.find((cycle) => cycle.deliveryDate === subscription.nextDeliveryDate);
    const announced = atNext && (atNext.status === 'NOTICING' || atNext.status === 'NOTICED') ? atNext : undefined;
    // A cycle this cancel skips (or a rerun finds skipped) is one the subscription must move past (issue 13, stall a).
    let passed: Cycle | undefined = atNext?.status === 'SKIPPED' ? atNext : undefined;
    // S19: nothing announced is still wanted → the cycle is not charged. Written before the subscription, so
    // a crash in between leaves a skipped cycle and a rerun finishes the cancel. Refused: the charge run has
    // claimed it — the charge stands, and the cancel applies from the next cycle.
    if (announced && nothingAnnouncedIsWanted({ status: whole ? 'CANCELLED' : subscription.status, items }, announced)) {
      const skipped = transition(announced, { type: 'skip', reason: 'NOTHING_WANTED' });
      if (skipped.ok) {
        await publishCycleEvent(deps, skipped.next);
        if (await deps.cycles.write(skipped.next, skipped.expect)) passed = skipped.next;
      }
    }

    let next: Subscription = whole
      ? cancelWhole(subscription, reason, at)
      : { ...subscription, items, updatedAt: at };
    // A partial cancel that leaves nothing announced (the rest left the catalogue before the notice): the
    // subscription moves on past the skipped cycle in the same write — it never stays on a cycle that is over.
    const calendar = passed && !whole ? ((await deps.shops.get(shopId))?.deliveryCalendar ?? DEFAULT_DELIVERY_CALENDAR) : DEFAULT_DELIVERY_CALENDAR;
    const moved = !whole && passed ? advance(next, passed, seoulDate(now), at, { calendar, charged: false }) : undefined;
    if (moved?.schedule) await deps.cycles.schedule(scheduledCycle(next, moved.schedule));
    if (moved) next = moved.subscription;
    const by: Actor = options.by ?? { role: reason === 'MERCHANT_REQUEST' ? 'admin' : 'customer', id: reason === 'MERCHANT_REQUEST' ? shopId : customerId };
    next = withHistory(next, { at, by, action: 'cancel', details: { productIds: [...cancelIds], whole, ...(moved ? { nextDeliveryDate: next.nextDeliveryDate } : {}) } });
    if (!(await deps.subscriptions.update(next, subscription.version ?? 0))) continue;
    if (whole && subscription.status === 'ACTIVE') await deps.shops.countActiveSubscriptions(shopId, -1, `deactivate#${subscriptionId}`, now);
    // The planned next delivery was never announced: withdrawn now (else the notice run would, on its date).
    if (whole) for (const planned of current.cycles.filter((cycle) => cycle.status === 'SCHEDULED')) await deps.cycles.withdraw(planned, 'SCHEDULED');
    if (whole) await deps.events.publish(subscriptionEvents.cancelled(next));
    return withCycles(deps, subscriptionId);
  }
  throw new Conflict('CONCURRENT_UPDATE', 'The subscription changed at the same time; please retry.');
}

async function withCycles(deps: Pick<StorefrontDeps, 'subscriptions'>, subscriptionId: string): Promise<SubscriptionWithCycles> {
  const found = await deps.subscriptions.getWithCycles(subscriptionId);
  if (!found) throw new NotFound('The subscription');
  return found;
}

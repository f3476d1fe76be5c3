import { addDays, seoulDate, seoulTimestamp, type IsoDate } from '../../core/dates.ts';
import { Conflict, Unprocessable, type ErrorDetail } from '../../core/errors.ts';
import { scheduledCycle } from '../../domain/cycle.ts';
import { earliestDelivery, replaceItems, withHistory } from '../../domain/between-deliveries.ts';
import { avoidedBecause } from '../../domain/delivery-calendar.ts';
import { isSubscribable, type CycleCode } from '../../domain/product.ts';
import type { ShippingAddress, Subscription, SubscriptionWithCycles } from '../../domain/subscription.ts';
import { subscriptionEvents } from '../subscription-events.ts';
import { changedBy, detailOf, dropDelivery, notActive, retrying, subscriptionFor, withoutNextNominal, type BetweenDeps, type Caller } from './common.ts';

export interface SubscriptionPatch {
  readonly cycle?: CycleCode;
  readonly items?: ReadonlyArray<{ readonly productId: string; readonly quantity: number }>;
  readonly shippingAddress?: ShippingAddress;
  readonly nextDeliveryDate?: IsoDate;
}

/**
 * The buyer changes the cycle, the items, the address or the next delivery
 * date (issue 13), each checked against the seed rules as at signup.
 *
 * Primary course: every listed product exists and is subscribable (S13, S14)
 * and offers the (new) cycle, or 422 PRODUCT_NOT_SUBSCRIBABLE / CYCLE_NOT_OFFERED;
 * a new date is a delivery day of the shop inside its window (422
 * DELIVERY_DATE_OUT_OF_RANGE, NOT_A_DELIVERY_DAY), and only while the next
 * delivery is not announced yet (409 DELIVERY_ALREADY_NOTICED). Writes, each
 * idempotent, pointers first: line items of added products, the new date's
 * plan, the subscription (with its history entry, one conditional write), the
 * old plan withdrawn, the event.
 * After the notice (S18): the announced cycle keeps its locked lines and
 * amount; items and cycle apply from the next delivery on (the one already
 * planned keeps its date), and swapping every announced item out is S19 — the
 * announced cycle is then not charged. The address applies to every delivery
 * not charged yet: the order carries the address at its charge.
 */
export async function changeSubscription(deps: BetweenDeps, caller: Caller, subscriptionId: string, patch: SubscriptionPatch): Promise<SubscriptionWithCycles> {
  return retrying(async () => {
    const subscription = await subscriptionFor(deps, caller, subscriptionId);
    if (subscription.status !== 'ACTIVE' && subscription.status !== 'PAUSED') throw notActive(subscription);
    const cycle = patch.cycle ?? subscription.cycle;
    const items = patch.items ? replaceItems(subscription.items, patch.items) : subscription.items;
    const active = items.filter((item) => item.status === 'ACTIVE');
    if (patch.items || patch.cycle) await checkProducts(deps, subscription.shopId, active.map((item) => item.productId), cycle, patch.items ? 'items' : 'cycle');

    const now = deps.clock.now();
    const at = seoulTimestamp(now);
    const current = subscription.nextDeliveryDate === null ? undefined : await deps.cycles.get({ subscriptionId, deliveryDate: subscription.nextDeliveryDate });
    const announced = current !== undefined && current.status !== 'SCHEDULED';
    const newDate = patch.nextDeliveryDate !== undefined && patch.nextDeliveryDate !== subscription.nextDeliveryDate ? patch.nextDeliveryDate : undefined;
    if (newDate !== undefined) await checkDate(deps, subscription, newDate, announced, seoulDate(now));

    const changes: Record<string, unknown> = {};
    if (patch.cycle !== undefined && patch.cycle !== subscription.cycle) changes.cycle = { from: subscription.cycle, to: patch.cycle };
    if (patch.items && JSON.stringify(items) !== JSON.stringify(subscription.items)) changes.items = { from: linesOf(subscription.items), to: linesOf(items) };
    if (patch.shippingAddress && JSON.stringify(patch.shippingAddress) !== JSON.stringify(subscription.shippingAddress)) changes.shippingAddress = { ...patch.shippingAddress };
    if (newDate !== undefined) changes.nextDeliveryDate = { from: subscription.nextDeliveryDate, to: newDate };
    if (Object.keys(changes).length === 0) return detailOf(deps, subscriptionId);

    // S18: after the notice, the change applies from the delivery after the announced one.
    const effectiveFrom = newDate ?? (announced ? current?.followingDeliveryDate : subscription.nextDeliveryDate) ?? undefined;
    const base: Subscription = newDate !== undefined ? { ...withoutNextNominal(subscription), nextDeliveryDate: newDate, nextNoticeDate: addDays(newDate, -2), nextChargeDate: addDays(newDate, -1) } : subscription;
    const changed = withHistory(
      { ...base, cycle, items, ...(patch.shippingAddress ? { shippingAddress: { ...patch.shippingAddress } } : {}), updatedAt: at },
      { at, by: caller.actor, action: 'change', details: { ...changes, ...(effectiveFrom !== undefined ? { effectiveFrom } : {}) } },
    );
    const added = active.map((item) => item.productId).filter((id) => !subscription.items.some((item) => item.productId === id));
    if (added.length > 0) await deps.subscriptions.addLineItems(subscription, added);
    if (newDate !== undefined) await deps.cycles.schedule(scheduledCycle(subscription, newDate));
    if (!(await deps.subscriptions.update(changed, subscription.version ?? 0))) return undefined;
    // The old date's plan no longer holds (else the notice run withdraws it on its date: the subscription moved).
    if (newDate !== undefined && current?.status === 'SCHEDULED') await dropDelivery(deps, current);
    await deps.events.publish(subscriptionEvents.changed(changed, changedBy(caller.actor), changes, effectiveFrom));
    return detailOf(deps, subscriptionId);
  });
}

const linesOf = (items: Subscription['items']) => items.filter((item) => item.status === 'ACTIVE').map(({ productId, quantity }) => ({ productId, quantity }));

/** S13, S14 and the cycle, as at signup: every product subscribable and offering the cycle. */
async function checkProducts(deps: Pick<BetweenDeps, 'products'>, shopId: string, productIds: readonly string[], cycle: CycleCode, field: 'items' | 'cycle'): Promise<void> {
  if (productIds.length === 0) throw new Unprocessable('NO_ITEMS_LEFT', 'A subscription keeps at least one item; cancel it instead.', [{ path: 'items', message: 'At least one item.' }]);
  const products = await Promise.all(productIds.map((productId) => deps.products.get(shopId, productId)));
  const path = (i: number) => (field === 'items' ? `items.${i}.productId` : 'cycle');
  const refused: ErrorDetail[] = products.flatMap((product, i) => (product && isSubscribable(product) ? [] : [{ path: path(i), message: `${productIds[i]}: ${product ? 'not offered on subscription (S13, S14).' : 'no such product.'}` }]));
  if (refused.length > 0) throw new Unprocessable('PRODUCT_NOT_SUBSCRIBABLE', 'Some products cannot be bought on subscription.', refused);
  const withoutCycle = products.flatMap((product, i) => (product!.subscription.cycles.includes(cycle) ? [] : [{ path: path(i), message: `${productIds[i]} does not offer the ${cycle} cycle.` }]));
  if (withoutCycle.length > 0) throw new Unprocessable('CYCLE_NOT_OFFERED', `Not every product offers the ${cycle} cycle.`, withoutCycle);
}

/** A new next delivery: not paused, not announced yet, inside the shop's window, a day it delivers on, not a date already used. */
async function checkDate(deps: Pick<BetweenDeps, 'shops' | 'cycles'>, subscription: Subscription, date: IsoDate, announced: boolean, today: IsoDate): Promise<void> {
  if (subscription.status === 'PAUSED') throw new Conflict('SUBSCRIPTION_PAUSED', 'The subscription is paused; resume it to choose its next delivery.');
  if (announced) throw new Conflict('DELIVERY_ALREADY_NOTICED', `The ${subscription.nextDeliveryDate} delivery is announced and can no longer move (S18); skip it, or change the date after it.`);
  const shop = await deps.shops.get(subscription.shopId);
  const window = shop?.startDateWindow ?? { earliestDaysAhead: 3, latestDaysAhead: 60 };
  const earliest = earliestDelivery(today, window);
  const latest = addDays(today, window.latestDaysAhead);
  if (date < earliest || date > latest) throw new Unprocessable('DELIVERY_DATE_OUT_OF_RANGE', `Choose a delivery date from ${earliest} to ${latest}.`, [{ path: 'nextDeliveryDate', message: `From ${earliest} to ${latest} (Asia/Seoul).` }]);
  const avoided = shop ? avoidedBecause(date, shop.deliveryCalendar) : [];
  if (avoided.length > 0) throw new Unprocessable('NOT_A_DELIVERY_DAY', `The shop does not deliver on ${date} (${avoided.join(', ')}).`, [{ path: 'nextDeliveryDate', message: avoided.join(', ') }]);
  const existing = await deps.cycles.get({ subscriptionId: subscription.id, deliveryDate: date });
  if (existing && existing.status !== 'SCHEDULED') throw new Conflict('DELIVERY_DATE_TAKEN', `A delivery on ${date} already exists (${existing.status}); choose another date.`);
}

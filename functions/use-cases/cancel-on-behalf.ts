/**
 * The shop cancels a buyer's subscription — or some of its items — on the buyer's behalf (issue 13):
 * POST /admin/subscriptions/{id}/cancel.
 *
 * Primary course: the subscription is the shop's (else 404, like an unknown one); the buyer's own cancel runs
 * (use-cases/cancel-subscription.ts: the same rules and codes — S18, S19, the announced cycle, the S6 count,
 * the `subscription.cancelled` event, here with reason `merchant`); then the buyer is mailed what the shop
 * cancelled and what it means for a delivery already announced, once (the notification log, keyed by what
 * this request cancelled).
 * Alternates: a product not in the subscription → 422 PRODUCT_NOT_IN_SUBSCRIPTION; already cancelled (by
 * anyone) → the same answer, no mail; no buyer address → no mail (logged).
 * Known edge: a process that dies after the cancel's write and before the mail, and is repeated, finds
 * nothing newly cancelled and sends no mail (the cancel itself is complete).
 */
import { createHash } from 'node:crypto';
import { seoulDate } from '../core/dates.ts';
import type { Subscription, SubscriptionWithCycles } from '../domain/subscription.ts';
import { merchantCancelMail } from '../notifications/merchant-cancel.ts';
import { cancelSubscription } from './cancel-subscription.ts';
import { subscriptionFor } from './between-deliveries/common.ts';
import { mailBuyerOnBehalf, type OnBehalfMailDeps } from './on-behalf-mail.ts';
import type { StorefrontDeps } from './storefront-deps.ts';
import type { EventDeps } from './subscription-events.ts';

export type CancelOnBehalfDeps = Pick<StorefrontDeps, 'subscriptions' | 'cycles' | 'shops' | 'products' | 'clock'> & EventDeps & OnBehalfMailDeps;

export async function cancelOnBehalf(deps: CancelOnBehalfDeps, shopId: string, adminId: string, subscriptionId: string, productIds?: readonly string[]): Promise<SubscriptionWithCycles> {
  const caller = { shopId, actor: { role: 'admin', id: adminId } } as const;
  const before = await subscriptionFor(deps, caller, subscriptionId);
  const after = await cancelSubscription(deps, shopId, before.customerId, subscriptionId, productIds, { reason: 'MERCHANT_REQUEST', by: caller.actor });
  const cancelledNow = before.items.filter((item) => item.status === 'ACTIVE' && after.items.some((now) => now.productId === item.productId && now.status === 'CANCELLED')).map((item) => item.productId);
  if (cancelledNow.length > 0) await tellBuyer(deps, before, after, cancelledNow);
  return after;
}

async function tellBuyer(deps: CancelOnBehalfDeps, before: Subscription, after: SubscriptionWithCycles, cancelledNow: readonly string[]): Promise<void> {
  const [shop, ...products] = await Promise.all([deps.shops.get(before.shopId), ...cancelledNow.map((id) => deps.products.get(before.shopId, id))]);
  // The delivery the buyer was already told about (S17), and what the cancel did to it (S18, S19).
  const announced = after.cycles.find((cycle) => cycle.deliveryDate === before.nextDeliveryDate && cycle.status !== 'SCHEDULED');
  const mail = merchantCancelMail({
    shopName: shop?.name ?? before.shopId,
    subscriptionId: before.id,
    whole: after.status === 'CANCELLED',
    products: cancelledNow.map((id, index) => products[index]?.name ?? id),
    date: seoulDate(deps.clock.now()),
    ...(announced?.status === 'SKIPPED' ? { notCharged: announced.deliveryDate } : {}),
    ...(announced && ['NOTICING', 'NOTICED', 'CHARGING', 'CHARGED', 'REVIEW'].includes(announced.status) ? { chargedAsAnnounced: announced.deliveryDate } : {}),
  });
  // Once per (subscription, what was cancelled): a repeat of the request finds its log item.
  const key = createHash('sha256').update([...cancelledNow].sort().join('\u0000')).digest('base64url').slice(0, 16);
  await mailBuyerOnBehalf(deps, before, 'merchant-cancel', key, mail);
}

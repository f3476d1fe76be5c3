/**
 * The shop changes a buyer's subscription on the buyer's behalf (issue 13): PATCH /admin/subscriptions/{id}.
 *
 * Primary course: the buyer's own change (use-cases/between-deliveries/change.ts) runs with the shop's admin as
 * the caller — the same rules and codes (signup rules, S13–S15; after the notice the announced cycle keeps its
 * items and amount and the change applies from the next delivery, S18), the same history entry (by the admin)
 * and `subscription.changed` event; then the buyer is mailed each change, before → after, once per version the
 * change wrote (the notification log).
 * Alternates: another shop's or an unknown subscription → 404; a change that changes nothing → no mail.
 * Known edge: a process that dies after the change's write and before the mail, and is repeated, finds nothing
 * to change and sends no mail (the change itself is complete) — as for the cancel on the buyer's behalf.
 */
import { seoulDate } from '../core/dates.ts';
import type { SubscriptionWithCycles } from '../domain/subscription.ts';
import { describeChange, merchantChangeMail } from '../notifications/merchant-change.ts';
import { changeSubscription, type SubscriptionPatch } from './between-deliveries/change.ts';
import { subscriptionFor, type BetweenDeps } from './between-deliveries/common.ts';
import { mailBuyerOnBehalf, type OnBehalfMailDeps } from './on-behalf-mail.ts';

export type ChangeOnBehalfDeps = BetweenDeps & OnBehalfMailDeps;

export async function changeOnBehalf(deps: ChangeOnBehalfDeps, shopId: string, adminId: string, subscriptionId: string, patch: SubscriptionPatch): Promise<SubscriptionWithCycles> {
  const caller = { shopId, actor: { role: 'admin', id: adminId } } as const;
  const before = await subscriptionFor(deps, caller, subscriptionId);
  const after = await changeSubscription(deps, caller, subscriptionId, patch);
  const productIds = [...new Set([...before.items, ...after.items].map((item) => item.productId))];
  const [shop, ...products] = await Promise.all([deps.shops.get(shopId), ...productIds.map((id) => deps.products.get(shopId, id))]);
  const names = new Map(productIds.map((id, index) => [id, products[index]?.name]));
  const changes = describeChange(before, after, (id) => names.get(id));
  if (changes.length === 0) return after;
  // The delivery the buyer was already told about keeps what was announced (S18): the change starts after it.
  const announced = after.cycles.find((cycle) => cycle.deliveryDate === before.nextDeliveryDate && cycle.status !== 'SCHEDULED');
  const mail = merchantChangeMail({
    shopName: shop?.name ?? shopId,
    subscriptionId,
    date: seoulDate(deps.clock.now()),
    changes,
    ...(announced?.followingDeliveryDate ? { effectiveFrom: announced.followingDeliveryDate } : {}),
  });
  await mailBuyerOnBehalf(deps, after, 'merchant-change', `v${after.version ?? 0}`, mail);
  return after;
}

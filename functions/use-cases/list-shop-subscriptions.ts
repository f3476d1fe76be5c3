import type { SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { toSubscriptionView, type SubscriptionFilter } from '../domain/subscription.ts';

export interface ListShopSubscriptionsQuery extends SubscriptionFilter {
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/**
 * A merchant looks up its buyers' subscriptions (S20).
 *
 * Primary course: the shop comes from the caller's token, never from the
 * request, so only its own subscriptions can be listed; the filters pick the
 * index (see the repository) and the page comes back newest first (earliest
 * next delivery first when the next-delivery range is the only filter).
 * Alternate: a cursor from another query, shop or filter → 400 VALIDATION_FAILED.
 */
export async function listShopSubscriptions(deps: { subscriptions: SubscriptionsRepository }, shopId: string, query: ListShopSubscriptionsQuery) {
  const { limit, cursor, status, customerId, productId, nextDeliveryFrom, nextDeliveryTo, cycleStatus, cardExpiringBy, email, phone } = query;
  const filter: SubscriptionFilter = { status, customerId, productId, nextDeliveryFrom, nextDeliveryTo, cardExpiringBy, ...(cycleStatus ? { cycleStatus } : {}), ...(email !== undefined ? { email } : {}), ...(phone !== undefined ? { phone } : {}) };
  const page = await deps.subscriptions.listByShop(shopId, filter, { limit, cursor });
  return { items: page.items.map(toSubscriptionView), nextCursor: page.nextCursor };
}

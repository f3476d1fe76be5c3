import { NotFound } from '../core/errors.ts';
import { toSubscriptionDetailView } from '../domain/subscription.ts';
import { priceChangesView, type PriceConsentDeps } from './price-consent.ts';

/**
 * A merchant opens one buyer's subscription with its delivery cycles, oldest
 * first (S20).
 *
 * Primary course: one query on the subscription's partition. Alternate: the id
 * is unknown, or the subscription belongs to another shop → 404 NOT_FOUND, the
 * same answer in both cases, so nothing about other shops leaks.
 */
export async function getShopSubscription(deps: PriceConsentDeps, shopId: string, subscriptionId: string) {
  const subscription = await deps.subscriptions.getWithCycles(subscriptionId);
  if (!subscription || subscription.shopId !== shopId) throw new NotFound('Subscription');
  // Issue 14: the merchant sees who answered a price increase, and when.
  return { ...toSubscriptionDetailView(subscription), priceChanges: await priceChangesView(deps, subscription) };
}

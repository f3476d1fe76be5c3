import { NotFound } from '../core/errors.ts';
import { toMaskedCard } from '../domain/billing-key.ts';
import { toSubscriptionDetailView, toSubscriptionView } from '../domain/subscription.ts';
import type { StorefrontDeps } from './storefront-deps.ts';
import { priceChangesView, type PriceConsentDeps } from './price-consent.ts';

/** The buyer's own subscriptions in this shop, newest first (served by the customer index). */
export async function listMySubscriptions(deps: Pick<StorefrontDeps, 'subscriptions'>, shopId: string, customerId: string, page: { limit: number; cursor?: string | undefined }) {
  const result = await deps.subscriptions.listByShop(shopId, { customerId }, page);
  return { items: result.items.map(toSubscriptionView), nextCursor: result.nextCursor };
}

/** One of the buyer's subscriptions with its cycles; anyone else's answers 404. */
export async function getMySubscription(deps: PriceConsentDeps, shopId: string, customerId: string, subscriptionId: string) {
  const found = await deps.subscriptions.getWithCycles(subscriptionId);
  if (!found || found.shopId !== shopId || found.customerId !== customerId) throw new NotFound('The subscription');
  return { ...toSubscriptionDetailView(found), priceChanges: await priceChangesView(deps, found) };
}

/** S10: the buyer's one registered card (or KakaoPay), masked; the billing key never leaves. */
export async function getMyCard(deps: { readonly billingKeys: Pick<StorefrontDeps['billingKeys'], 'getMasked'> }, shopId: string, customerId: string, method: 'card' | 'kakaopay') {
  const record = await deps.billingKeys.getMasked(shopId, customerId, method);
  if (!record) throw new NotFound('A registered card');
  return toMaskedCard(record);
}

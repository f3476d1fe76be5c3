/**
 * The subscriber's answer to a price increase (issue 14, the 30-day consent), and what the subscription views
 * show of it.
 *
 * Primary course: POST /subscriptions/{id}/price-consent {accept} — the buyer's own subscription is read, the
 * increases it may still answer are found on its products (pendingPriceChanges: announced after it signed up,
 * increaseFrom still ahead), and the answer is recorded for each of them, with when and by whom (one item per
 * (subscription, change): a repeat overwrites with the same facts, a changed mind replaces the answer until
 * increaseFrom). Alternate courses: another buyer's or unknown subscription → 404; nothing pending → 409
 * NO_PENDING_PRICE_CHANGE.
 */
import type { Clock } from '../core/clock.ts';
import { seoulDate, seoulTimestamp } from '../core/dates.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import type { PriceConsentsRepository } from '../adapters/dynamodb/price-consents.repo.ts';
import type { ProductsRepository } from '../adapters/dynamodb/products.repo.ts';
import type { SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { pendingPriceChanges, type PriceChange, type RecordedConsent } from '../domain/price-change.ts';
import { priceChangesOf } from '../domain/product.ts';
import type { Subscription } from '../domain/subscription.ts';

export interface PriceConsentDeps {
  readonly clock: Clock;
  readonly subscriptions: SubscriptionsRepository;
  readonly products: ProductsRepository;
  readonly priceConsents: PriceConsentsRepository;
}

export interface PriceChangesView {
  /** Increases the subscriber may still answer. */
  readonly pending: PriceChange[];
  /** Every answer given, with when and by whom. */
  readonly answers: RecordedConsent[];
}

/** The price changes of the products a subscription includes, as unitPriceFor takes them (part B's notice). */
export async function priceChangesFor(deps: Pick<PriceConsentDeps, 'products'>, subscription: Pick<Subscription, 'shopId' | 'items'>): Promise<PriceChange[]> {
  const products = await Promise.all([...new Set(subscription.items.map((item) => item.productId))].map((productId) => deps.products.get(subscription.shopId, productId)));
  return products.flatMap((product) => (product ? [...priceChangesOf(product)] : []));
}

export async function priceChangesView(deps: PriceConsentDeps, subscription: Subscription): Promise<PriceChangesView> {
  const [changes, answers] = await Promise.all([priceChangesFor(deps, subscription), deps.priceConsents.consentsOf(subscription.id)]);
  return { pending: pendingPriceChanges(subscription, changes, seoulDate(deps.clock.now())), answers };
}

export async function answerPriceChange(deps: PriceConsentDeps, shopId: string, customerId: string, subscriptionId: string, accept: boolean): Promise<PriceChangesView> {
  const subscription = await deps.subscriptions.get(subscriptionId);
  if (!subscription || subscription.shopId !== shopId || subscription.customerId !== customerId) throw new NotFound('The subscription');
  const now = deps.clock.now();
  const pending = subscription.status === 'ACTIVE' ? pendingPriceChanges(subscription, await priceChangesFor(deps, subscription), seoulDate(now)) : [];
  if (pending.length === 0) throw new Conflict('NO_PENDING_PRICE_CHANGE', 'This subscription has no price change waiting for an answer.');
  for (const change of pending) await deps.priceConsents.record(subscription.id, { changeId: change.changeId, accept, at: seoulTimestamp(now), by: customerId });
  return { pending, answers: await deps.priceConsents.consentsOf(subscription.id) };
}

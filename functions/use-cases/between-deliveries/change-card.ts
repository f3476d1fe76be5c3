import { seoulTimestamp } from '../../core/dates.ts';
import { Conflict, Unprocessable } from '../../core/errors.ts';
import { logger } from '../../core/logger.ts';
import { GatewayRefusal } from '../../adapters/gateways/payment-gateway.ts';
import { subscriptionCard } from '../../domain/billing-key.ts';
import { withHistory } from '../../domain/between-deliveries.ts';
import type { Subscription } from '../../domain/subscription.ts';
import { claim, moveToCard, registerNewCard } from '../check-out.ts';
import { retireKey } from '../register-card.ts';
import { customerKeyFor, providerFor, type StorefrontDeps } from '../storefront-deps.ts';
import { subscriptionEvents, type EventDeps } from '../subscription-events.ts';
import { changedBy, retrying, subscriptionFor, type Caller } from './common.ts';

type CardDeps = StorefrontDeps & EventDeps;

/**
 * The buyer replaces the card of a running subscription (issue 13, S10), step
 * one: the PG's registration window is opened for this subscription as at
 * signup (`registration`), and the subscription remembers that a card change
 * is open (with the PG's session, e.g. KakaoPay's tid). Step two is
 * `POST /subscriptions/{id}/checkout` with the window's authKey
 * (`completeCardChange`). Refusals: not ACTIVE or PAUSED → 409
 * SUBSCRIPTION_NOT_ACTIVE; 409 SERVICE_NOT_ACTIVE; 422 PAYMENT_METHOD_NOT_AVAILABLE;
 * 422 CARD_REGISTRATION_FAILED (the PG would not open a window).
 */
export async function startCardChange(deps: Pick<StorefrontDeps, 'shops' | 'products' | 'subscriptions' | 'gateways' | 'clock'>, caller: Caller, subscriptionId: string): Promise<{ registration: unknown }> {
  const subscription = await subscriptionFor(deps, caller, subscriptionId);
  if (subscription.status !== 'ACTIVE' && subscription.status !== 'PAUSED') throw new Conflict('SUBSCRIPTION_NOT_ACTIVE', `The subscription is ${subscription.status}; only an active or paused one changes its card.`);
  const shop = await deps.shops.get(subscription.shopId);
  if (!shop || shop.service.status !== 'ACTIVE') throw new Conflict('SERVICE_NOT_ACTIVE', "This shop's subscription service is not active.");
  const provider = providerFor(shop, subscription.paymentMethod);
  if (!provider) throw new Unprocessable('PAYMENT_METHOD_NOT_AVAILABLE', `This shop no longer takes ${subscription.paymentMethod} for subscriptions.`);
  const first = subscription.items.find((item) => item.status === 'ACTIVE') ?? subscription.items[0];
  const product = first ? await deps.products.get(subscription.shopId, first.productId) : undefined;
  let opened;
  try {
    opened = await (await deps.gateways.gatewayFor(subscription.shopId, provider)).openRegistration({
      subscriptionId,
      customerKey: customerKeyFor(subscription.shopId, subscription.customerId),
      method: subscription.paymentMethod,
      itemName: product?.name ?? '정기배송',
    });
  } catch (error) {
    if (error instanceof GatewayRefusal) throw new Unprocessable('CARD_REGISTRATION_FAILED', 'The payment window could not be opened. Please try again later.');
    throw error;
  }
  const session = opened.session;
  await retrying(async () => {
    const current = await subscriptionFor(deps, caller, subscriptionId);
    const { pgSession: _old, ...rest } = current;
    const open: Subscription = { ...rest, cardChange: { at: seoulTimestamp(deps.clock.now()) }, ...(session !== undefined ? { pgSession: session } : {}) };
    return (await deps.subscriptions.update(open, current.version ?? 0)) ? true : undefined;
  });
  return { registration: opened.window };
}

/**
 * Step two of a card change, reached through checkout (check-out.ts): the
 * window's authKey becomes a billing key at the PG (a foreign card refused,
 * S16), stored as the buyer's one card (register-card.ts: the previous key is
 * kept as `retiring`); this subscription and every other live one of the
 * buyer's of that method show and pay with the new card (S10); the old key is
 * deleted at the PG last (a PG that cannot delete it now keeps it recorded for
 * the next registration or the stop job). The subscription's write carries the
 * history entry and ends the open change. Claimed like a checkout, so two
 * checkouts of one change cannot both register a card.
 */
export async function completeCardChange(deps: CardDeps, read: Subscription, authKey: string): Promise<Subscription> {
  const now = deps.clock.now();
  const at = seoulTimestamp(now);
  const shop = await deps.shops.get(read.shopId);
  if (!shop || shop.service.status !== 'ACTIVE') throw new Conflict('SERVICE_NOT_ACTIVE', "This shop's subscription service is not active.");
  const method = read.paymentMethod;
  const provider = providerFor(shop, method);
  if (!provider) throw new Unprocessable('PAYMENT_METHOD_NOT_AVAILABLE', `This shop no longer takes ${method} for subscriptions.`);
  const claimed = await claim(deps, read, authKey, now);
  let registered;
  try {
    registered = await registerNewCard(deps, claimed, { shopId: read.shopId, customerId: read.customerId, method, provider, customerKey: customerKeyFor(read.shopId, read.customerId), at }, authKey);
  } catch (error) {
    await endClaim(deps, claimed);
    throw error;
  }
  const { registration, won } = registered;
  const card = subscriptionCard(registration.card);
  const caller: Caller = { shopId: read.shopId, actor: { role: 'customer', id: read.customerId } };
  const changed = await retrying(async () => {
    const current = await subscriptionFor(deps, caller, read.id);
    const { cardChange: _open, checkout: _claim, pgSession: _session, ...rest } = current;
    const next = withHistory({ ...rest, card, updatedAt: at }, { at, by: caller.actor, action: 'card', details: { issuer: card.issuer, last4: card.last4 } });
    return (await deps.subscriptions.update(next, current.version ?? 0)) ? { ...next, version: (current.version ?? 0) + 1 } : undefined;
  });
  if (won) {
    await moveToCard(deps, registration, read.id, at);
    await retireKey(deps, registration).catch((error: unknown) =>
      logger.warn('Could not delete a replaced billing key at the PG yet; it stays recorded for the next try', { provider: registration.retiring?.provider, error: (error as Error).message }),
    );
  }
  await deps.events.publish(subscriptionEvents.changed(changed, changedBy(caller.actor), { card: { issuer: card.issuer, last4: card.last4 } }));
  return changed;
}

/** A failed card change's checkout ends its own claim (read fresh), so the buyer can try again at once; the change stays open. */
async function endClaim(deps: Pick<StorefrontDeps, 'subscriptions'>, claimed: Subscription): Promise<void> {
  for (let round = 0; round < 3; round += 1) {
    const current = round === 0 ? claimed : await deps.subscriptions.get(claimed.id);
    if (!current?.checkout || current.checkout.at !== claimed.checkout?.at) return;
    const { checkout: _claim, ...rest } = current;
    if (await deps.subscriptions.update(rest, current.version ?? 0)) return;
  }
}

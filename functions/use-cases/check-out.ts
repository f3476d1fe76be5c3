import { createHash } from 'node:crypto';
import { addDays, seoulDate, seoulTimestamp } from '../core/dates.ts';
import { Conflict, NotFound, Unprocessable } from '../core/errors.ts';
import { logger } from '../core/logger.ts';
import { GatewayRefusal } from '../adapters/gateways/payment-gateway.ts';
import type { BillingKeyRecord } from '../domain/billing-key.ts';
import { scheduleFor, type Subscription } from '../domain/subscription.ts';
import { customerKeyFor, providerFor, type StorefrontDeps } from './storefront-deps.ts';

/** A checkout that has not finished in this long is taken to have died (a Lambda call is far shorter). */
const CHECKOUT_LEASE_MS = 60_000;

export type CheckOutRequest = { readonly authKey: string } | { readonly useRegisteredCard: true };

/** The buyer's own subscription; another buyer's (or shop's) answers 404 like an unknown one. */
export async function ownSubscription(deps: Pick<StorefrontDeps, 'subscriptions'>, shopId: string, customerId: string, subscriptionId: string): Promise<Subscription> {
  const subscription = await deps.subscriptions.get(subscriptionId);
  if (!subscription || subscription.shopId !== shopId || subscription.customerId !== customerId) throw new NotFound('The subscription');
  return subscription;
}

/**
 * Checkout: register the buyer's card (or KakaoPay) and activate (S10, S15, S16).
 *
 * Primary course: the pending subscription is claimed for this checkout (one
 * conditional write, so two simultaneous checkouts cannot both call the PG);
 * the PG exchanges the window's authKey for a billing key; a domestic card is
 * stored as the buyer's one registration, replacing the previous one; the
 * subscription becomes ACTIVE with its first delivery, notice (D-2) and charge
 * (D-1) dates; the buyer's other subscriptions of that method move to the new
 * card, and the old billing key is deleted at the PG.
 * Alternates: already ACTIVE → the same answer, no second billing key;
 * foreign card → the key is deleted at the PG, 422 FOREIGN_CARD_NOT_ALLOWED
 * (S16), still pending; PG refusal → 422 CARD_REGISTRATION_FAILED.
 */
export async function checkOut(deps: StorefrontDeps, shopId: string, customerId: string, subscriptionId: string, request: CheckOutRequest): Promise<Subscription> {
  let subscription = await ownSubscription(deps, shopId, customerId, subscriptionId);
  if (subscription.status === 'ACTIVE') return subscription;
  if (subscription.status !== 'PENDING_PAYMENT') throw new Conflict('SUBSCRIPTION_NOT_PENDING', 'This subscription is no longer waiting for payment.');

  const now = deps.clock.now();
  const shop = await deps.shops.get(shopId);
  if (!shop || shop.service.status !== 'ACTIVE') throw new Conflict('SERVICE_NOT_ACTIVE', "This shop's subscription service is not active.");
  const method = subscription.paymentMethod;
  const provider = providerFor(shop, method);
  if (!provider) throw new Unprocessable('PAYMENT_METHOD_NOT_AVAILABLE', `This shop no longer takes ${method} for subscriptions.`);
  // The first notice (D-2) must still be ahead of today's notice run, or the first cycle would be missed.
  const earliest = addDays(seoulDate(now), 3);
  if (subscription.startDate < earliest) {
    throw new Unprocessable('START_DATE_OUT_OF_RANGE', `The start date has come too close; sign up again with a start from ${earliest}.`, [{ path: 'startDate', message: `From ${earliest}.` }]);
  }
  const customerKey = customerKeyFor(shopId, customerId);
  const at = seoulTimestamp(now);

  let registration: BillingKeyRecord;
  let newCard = false;
  if ('useRegisteredCard' in request) {
    const registered = await deps.billingKeys.get(shopId, customerId, method);
    if (!registered || registered.provider !== provider) throw new Unprocessable('NO_REGISTERED_CARD', `There is no registered ${method === 'card' ? 'card' : 'KakaoPay'} to use; register one.`);
    registration = registered;
  } else {
    subscription = await claim(deps, subscription, request.authKey, now);
    const gateway = await deps.gateways.gatewayFor(shopId, provider);
    let issued;
    try {
      issued = await gateway.issueBillingKey({ authKey: request.authKey, customerKey, subscriptionId, ...(subscription.pgSession !== undefined ? { session: subscription.pgSession } : {}) });
    } catch (error) {
      await release(deps, subscription);
      if (error instanceof GatewayRefusal) {
        logger.info('Card registration refused by the PG', { subscriptionId, provider, code: error.code });
        throw new Unprocessable('CARD_REGISTRATION_FAILED', 'The card could not be registered. Please try again or use another card.');
      }
      throw error;
    }
    if (issued.card.foreign) {
      // S16: never keep a foreign card, not even at the PG.
      await gateway.deleteBillingKey({ billingKey: issued.billingKey, customerKey });
      await release(deps, subscription);
      throw new Unprocessable('FOREIGN_CARD_NOT_ALLOWED', 'Cards issued abroad cannot be used for subscriptions. Please use a domestic card.');
    }
    const previous = await deps.billingKeys.get(shopId, customerId, method);
    registration = {
      shopId,
      customerId,
      method,
      provider,
      customerKey,
      billingKey: issued.billingKey,
      card: issued.card,
      registeredAt: at,
      ...(previous && previous.billingKey !== issued.billingKey
        ? { retiring: { billingKey: previous.billingKey, provider: previous.provider, customerKey: previous.customerKey } }
        : previous?.retiring
          ? { retiring: previous.retiring }
          : {}),
    };
    await deps.billingKeys.put(registration);
    logger.info('Card registered', { subscriptionId, provider, issuer: issued.card.issuer, last4: issued.card.last4, replaced: registration.retiring !== undefined });
    newCard = true;
  }

  const { checkout: _claim, pgSession: _session, ...pending } = subscription;
  const active: Subscription = {
    ...pending,
    status: 'ACTIVE',
    ...scheduleFor(subscription.startDate),
    card: { issuer: registration.card.issuer, last4: registration.card.last4 },
    updatedAt: at,
  };
  if (!(await deps.subscriptions.update(active, subscription.version ?? 0))) {
    const current = await ownSubscription(deps, shopId, customerId, subscriptionId);
    if (current.status === 'ACTIVE') return current;
    throw new Conflict('CHECKOUT_IN_PROGRESS', 'This subscription changed during checkout; please retry.');
  }
  await deps.shops.countActiveSubscriptions(shopId, 1, `activate#${subscriptionId}`, now);
  if (newCard) {
    await moveToCard(deps, registration, subscriptionId, at);
    await retireOldKey(deps, registration);
  }
  return { ...active, version: (subscription.version ?? 0) + 1 };
}

async function claim(deps: StorefrontDeps, subscription: Subscription, authKey: string, now: Date): Promise<Subscription> {
  const authKeyDigest = createHash('sha256').update(authKey).digest('base64url').slice(0, 22);
  const running = subscription.checkout;
  if (running && Date.parse(running.at) > now.getTime() - CHECKOUT_LEASE_MS) {
    throw new Conflict('CHECKOUT_IN_PROGRESS', 'A checkout of this subscription is already running; try again in a moment.');
  }
  const claimed: Subscription = { ...subscription, checkout: { authKeyDigest, at: now.toISOString() } };
  const version = subscription.version ?? 0;
  if (!(await deps.subscriptions.update(claimed, version))) {
    throw new Conflict('CHECKOUT_IN_PROGRESS', 'A checkout of this subscription is already running; try again in a moment.');
  }
  return { ...claimed, version: version + 1 };
}

/** Ends a failed checkout's claim so the buyer can try another card at once. */
async function release(deps: StorefrontDeps, subscription: Subscription): Promise<void> {
  const { checkout: _claim, ...rest } = subscription;
  await deps.subscriptions.update(rest, subscription.version ?? 0);
}

/** S10: one card per buyer — every subscription of theirs paying by this method now shows (and is charged with) the new one. */
async function moveToCard(deps: StorefrontDeps, registration: BillingKeyRecord, exceptId: string, at: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await deps.subscriptions.listByShop(registration.shopId, { customerId: registration.customerId }, { limit: 100, cursor });
    for (const other of page.items) {
      if (other.id === exceptId || other.paymentMethod !== registration.method || other.status === 'CANCELLED') continue;
      const card = { issuer: registration.card.issuer, last4: registration.card.last4 };
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const current = attempt === 0 ? other : await deps.subscriptions.get(other.id);
        if (!current || current.status === 'CANCELLED' || (current.card?.issuer === card.issuer && current.card?.last4 === card.last4)) break;
        if (await deps.subscriptions.update({ ...current, card, updatedAt: at }, current.version ?? 0)) break;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** S10: the replaced billing key is deleted at the PG; until that succeeds the record keeps it, and the next checkout retries. */
async function retireOldKey(deps: StorefrontDeps, registration: BillingKeyRecord): Promise<void> {
  const { retiring } = registration;
  if (!retiring) return;
  try {
    const gateway = await deps.gateways.gatewayFor(registration.shopId, retiring.provider);
    await gateway.deleteBillingKey({ billingKey: retiring.billingKey, customerKey: retiring.customerKey });
    await deps.billingKeys.clearRetiring(registration.shopId, registration.customerId, registration.method, registration.billingKey);
  } catch (error) {
    logger.warn('Could not delete a replaced billing key at the PG yet; it stays recorded for the next try', { provider: retiring.provider, error: (error as Error).message });
  }
}

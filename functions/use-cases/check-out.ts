import { createHash } from 'node:crypto';
import { addDays, seoulDate, seoulTimestamp } from '../core/dates.ts';
import { Conflict, NotFound, Unprocessable } from '../core/errors.ts';
import { logger } from '../core/logger.ts';
import { GatewayRefusal } from '../adapters/gateways/payment-gateway.ts';
import { sameSubscriptionCard, subscriptionCard, type BillingKeyRecord } from '../domain/billing-key.ts';
import { scheduledCycle } from '../domain/cycle.ts';
import { scheduleDelivery, type ScheduledDelivery } from '../domain/delivery-calendar.ts';
import type { Subscription } from '../domain/subscription.ts';
import { completeCardChange } from './between-deliveries/change-card.ts';
import { registerCard, retireKey, type NewRegistration } from './register-card.ts';
import { customerKeyFor, providerFor, type StorefrontDeps } from './storefront-deps.ts';
import { subscriptionEvents, type EventDeps } from './subscription-events.ts';

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
 * (S16), still pending; PG refusal → 422 CARD_REGISTRATION_FAILED; the buyer's
 * other checkout registered a card at the same moment → this key is deleted at
 * the PG and the subscription pays with that card (register-card.ts). Any
 * failure after the claim releases it, so a retry can go ahead at once.
 */
export async function checkOut(deps: StorefrontDeps & EventDeps, shopId: string, customerId: string, subscriptionId: string, request: CheckOutRequest): Promise<Subscription> {
  // Issue 13: the checkout of a card change (POST /subscriptions/{id}/card) on a running subscription.
  if ('authKey' in request) {
    const current = await ownSubscription(deps, shopId, customerId, subscriptionId);
    if (current.cardChange && (current.status === 'ACTIVE' || current.status === 'PAUSED')) return completeCardChange(deps, current, request.authKey);
  }
  const active = await activateWithCard(deps, shopId, customerId, subscriptionId, request);
  // Also on a repeat that finds it ACTIVE: the same id again, so an event lost to a crash is published by the retry.
  await deps.events.publish(subscriptionEvents.activated(active));
  return active;
}

async function activateWithCard(deps: StorefrontDeps, shopId: string, customerId: string, subscriptionId: string, request: CheckOutRequest): Promise<Subscription> {
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
  // Issue 14: the first delivery moves by the shop's calendar (never before the earliest possible day); the start date stays the anchor.
  const first = scheduleDelivery(subscription.startDate, shop.deliveryCalendar, { notBefore: earliest });
  const customerKey = customerKeyFor(shopId, customerId);
  const at = seoulTimestamp(now);

  let registration: BillingKeyRecord;
  let won = false;
  if ('useRegisteredCard' in request) {
    const registered = await deps.billingKeys.get(shopId, customerId, method);
    if (!registered || registered.provider !== provider) throw new Unprocessable('NO_REGISTERED_CARD', `There is no registered ${method === 'card' ? 'card' : 'KakaoPay'} to use; register one.`);
    registration = registered;
  } else {
    subscription = await claim(deps, subscription, request.authKey, now);
    // From here on, whatever fails ends the claim, so the buyer can retry at once (issue 11, defect 2).
    try {
      ({ registration, won } = await registerNewCard(deps, subscription, { shopId, customerId, method, provider, customerKey, at }, request.authKey));
      subscription = await activate(deps, subscription, registration, first, at);
    } catch (error) {
      await release(deps, subscription);
      throw error;
    }
    await deps.shops.countActiveSubscriptions(shopId, 1, `activate#${subscriptionId}`, now);
    if (won) {
      await moveToCard(deps, registration, subscriptionId, at);
      await retireKey(deps, registration).catch((error: unknown) =>
        logger.warn('Could not delete a replaced billing key at the PG yet; it stays recorded for the next try', { provider: registration.retiring?.provider, error: (error as Error).message }),
      );
    }
    return subscription;
  }
  const active = await activate(deps, subscription, registration, first, at);
  await deps.shops.countActiveSubscriptions(shopId, 1, `activate#${subscriptionId}`, now);
  return active;
}

/** Exchanges the window's authKey for a billing key at the PG and makes it the buyer's one card (register-card.ts). */
export async function registerNewCard(
  deps: StorefrontDeps,
  subscription: Subscription,
  buyer: Omit<NewRegistration, 'issued'>,
  authKey: string,
): Promise<{ registration: BillingKeyRecord; won: boolean }> {
  const gateway = await deps.gateways.gatewayFor(buyer.shopId, buyer.provider);
  let issued;
  try {
    issued = await gateway.issueBillingKey({ authKey, customerKey: buyer.customerKey, subscriptionId: subscription.id, ...(subscription.pgSession !== undefined ? { session: subscription.pgSession } : {}) });
  } catch (error) {
    if (error instanceof GatewayRefusal) {
      logger.info('Card registration refused by the PG', { subscriptionId: subscription.id, provider: buyer.provider, code: error.code });
      throw new Unprocessable('CARD_REGISTRATION_FAILED', 'The card could not be registered. Please try again or use another card.');
    }
    throw error;
  }
  if (issued.card.foreign) {
    // S16: never keep a foreign card, not even at the PG.
    await gateway.deleteBillingKey({ billingKey: issued.billingKey, customerKey: buyer.customerKey });
    throw new Unprocessable('FOREIGN_CARD_NOT_ALLOWED', 'Cards issued abroad cannot be used for subscriptions. Please use a domestic card.');
  }
  const { registration, won } = await registerCard(deps, { ...buyer, issued });
  logger.info('Card registered', { subscriptionId: subscription.id, provider: buyer.provider, issuer: registration.card.issuer, last4: registration.card.last4, replaced: won && registration.retiring !== undefined, won });
  return { registration, won };
}

/**
 * PENDING_PAYMENT → ACTIVE with its first dates and the card. Another write in between (a card moved by the
 * buyer's other checkout) is read and the activation tried again while this checkout's claim stands.
 */
async function activate(deps: StorefrontDeps, read: Subscription, registration: BillingKeyRecord, first: ScheduledDelivery, at: string): Promise<Subscription> {
  // The first delivery's plan, before the activation: it is what the notice run finds (S17). Until the
  // subscription is ACTIVE it is inert, and one whose checkout never finishes is withdrawn on its notice date.
  await deps.cycles.schedule(scheduledCycle(read, first));
  let subscription = read;
  for (let round = 0; round < 4; round += 1) {
    const { checkout: _claim, pgSession: _session, ...pending } = subscription;
    const active: Subscription = {
      ...pending,
      status: 'ACTIVE',
      nextDeliveryDate: first.deliveryDate,
      nextNoticeDate: first.noticeDate,
      nextChargeDate: first.chargeDate,
      ...(first.nominalDate !== first.deliveryDate ? { nextNominalDate: first.nominalDate } : {}),
      card: subscriptionCard(registration.card),
      updatedAt: at,
    };
    if (await deps.subscriptions.update(active, subscription.version ?? 0)) return { ...active, version: (subscription.version ?? 0) + 1 };
    const current = await ownSubscription(deps, read.shopId, read.customerId, read.id);
    if (current.status === 'ACTIVE') return current;
    if (current.status !== 'PENDING_PAYMENT') throw new Conflict('SUBSCRIPTION_NOT_PENDING', 'This subscription is no longer waiting for payment.');
    if (read.checkout && current.checkout?.at !== read.checkout.at) throw new Conflict('CHECKOUT_IN_PROGRESS', 'Another checkout of this subscription took over; please retry.');
    subscription = current;
  }
  throw new Conflict('CHECKOUT_IN_PROGRESS', 'This subscription kept changing during checkout; please retry.');
}

export async function claim(deps: StorefrontDeps, subscription: Subscription, authKey: string, now: Date): Promise<Subscription> {
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

/** Ends a failed checkout's claim (only its own, read fresh) so the buyer can try again at once. */
async function release(deps: StorefrontDeps, claimed: Subscription): Promise<void> {
  for (let round = 0; round < 3; round += 1) {
    const current = round === 0 ? claimed : await deps.subscriptions.get(claimed.id);
    if (!current || current.status !== 'PENDING_PAYMENT' || !current.checkout || current.checkout.at !== claimed.checkout?.at) return;
    const { checkout: _claim, ...rest } = current;
    if (await deps.subscriptions.update(rest, current.version ?? 0)) return;
  }
}

/** S10: one card per buyer — every subscription of theirs paying by this method now shows (and is charged with) the new one. */
export async function moveToCard(deps: StorefrontDeps, registration: BillingKeyRecord, exceptId: string, at: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await deps.subscriptions.listByShop(registration.shopId, { customerId: registration.customerId }, { limit: 100, cursor });
    for (const other of page.items) {
      // A pending one shows no card until its own checkout activates it (with the buyer's card then).
      if (other.id === exceptId || other.paymentMethod !== registration.method || other.status === 'CANCELLED' || other.status === 'PENDING_PAYMENT') continue;
      const card = subscriptionCard(registration.card);
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const current = attempt === 0 ? other : await deps.subscriptions.get(other.id);
        if (!current || current.status === 'CANCELLED' || current.status === 'PENDING_PAYMENT' || sameSubscriptionCard(current.card, card)) break;
        if (await deps.subscriptions.update({ ...current, card, updatedAt: at }, current.version ?? 0)) break;
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

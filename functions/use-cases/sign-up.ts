import { addDays, seoulDate, seoulTimestamp } from '../core/dates.ts';
import { Conflict, Unprocessable } from '../core/errors.ts';
import { logger } from '../core/logger.ts';
import { GatewayRefusal } from '../adapters/gateways/payment-gateway.ts';
import { newId } from '../core/ids.ts';
import { isSubscribable, type CycleCode } from '../domain/product.ts';
import type { Contact, ShippingAddress, Subscription } from '../domain/subscription.ts';
import { customerKeyFor, providerFor, type StorefrontDeps } from './storefront-deps.ts';
import { subscriptionEvents, type EventDeps } from './subscription-events.ts';

/** An unpaid signup is forgotten after a day (TTL); it is never in the due index, so it can never be charged. */
export const PENDING_SIGNUP_SECONDS = 24 * 60 * 60;

/** Unpaid signups one buyer may have waiting at once (issue 11): a script cannot fill the table with them. */
export const MAX_PENDING_SIGNUPS = 10;

export interface SignUpRequest {
  readonly items: ReadonlyArray<{ readonly productId: string; readonly quantity: number }>;
  readonly cycle: CycleCode;
  readonly startDate: string;
  readonly paymentMethod: 'card' | 'kakaopay';
  readonly contact: Contact;
  readonly shippingAddress: ShippingAddress;
}

/**
 * A buyer applies for a subscription (S15).
 *
 * Primary course: the shop's service is ACTIVE, takes the payment method, every
 * product is subscribable and offers the cycle, and the start date is in the
 * shop's window; the subscription is stored PENDING_PAYMENT with a TTL, and the
 * answer carries what the PG's card-registration window needs.
 * Alternates (nothing is written): 409 SERVICE_NOT_ACTIVE; 409 TOO_MANY_PENDING_SIGNUPS
 * (MAX_PENDING_SIGNUPS unpaid at once); 422
 * PAYMENT_METHOD_NOT_AVAILABLE (S9); PRODUCT_NOT_SUBSCRIBABLE (S13, S14);
 * CYCLE_NOT_OFFERED; START_DATE_OUT_OF_RANGE.
 */
/** What a signup reads and writes: no cycle (checkout plans the first) and no billing key (the window registers it). */
export type SignUpDeps = Pick<StorefrontDeps, 'shops' | 'products' | 'subscriptions' | 'gateways' | 'clock'> & EventDeps;

export async function signUp(deps: SignUpDeps, shopId: string, customerId: string, request: SignUpRequest) {
  const shop = await deps.shops.get(shopId);
  if (!shop || shop.service.status !== 'ACTIVE') throw new Conflict('SERVICE_NOT_ACTIVE', "This shop's subscription service is not active.");
  const provider = providerFor(shop, request.paymentMethod);
  if (!provider) {
    throw new Unprocessable('PAYMENT_METHOD_NOT_AVAILABLE', `This shop does not take ${request.paymentMethod} for subscriptions.`, [{ path: 'paymentMethod', message: 'Not offered by this shop.' }]);
  }

  const products = await Promise.all(request.items.map((item) => deps.products.get(shopId, item.productId)));
  const notSubscribable = products.flatMap((product, i) => (product && isSubscribable(product) ? [] : [{ path: `items.${i}.productId`, message: product ? 'Not offered on subscription.' : 'No such product.' }]));
  if (notSubscribable.length > 0) throw new Unprocessable('PRODUCT_NOT_SUBSCRIBABLE', 'Some products cannot be bought on subscription.', notSubscribable);
  const withoutCycle = products.flatMap((product, i) => (product!.subscription.cycles.includes(request.cycle) ? [] : [{ path: `items.${i}.productId`, message: `Does not offer the ${request.cycle} cycle.` }]));
  if (withoutCycle.length > 0) throw new Unprocessable('CYCLE_NOT_OFFERED', `Not every product offers the ${request.cycle} cycle.`, withoutCycle);

  const now = deps.clock.now();
  const today = seoulDate(now);
  const earliest = addDays(today, shop.startDateWindow.earliestDaysAhead);
  const latest = addDays(today, shop.startDateWindow.latestDaysAhead);
  if (request.startDate < earliest || request.startDate > latest) {
    throw new Unprocessable('START_DATE_OUT_OF_RANGE', `Choose a start date from ${earliest} to ${latest}.`, [{ path: 'startDate', message: `From ${earliest} to ${latest} (Asia/Seoul).` }]);
  }

  // Those younger than the TTL: DynamoDB deletes expired items some time later, and they no longer count.
  const since = seoulTimestamp(new Date(now.getTime() - PENDING_SIGNUP_SECONDS * 1000));
  const pending = await deps.subscriptions.listByShop(shopId, { customerId, status: 'PENDING_PAYMENT' }, { limit: MAX_PENDING_SIGNUPS + 1 });
  if (pending.items.filter((waiting) => waiting.createdAt > since).length >= MAX_PENDING_SIGNUPS) {
    throw new Conflict('TOO_MANY_PENDING_SIGNUPS', `You have ${MAX_PENDING_SIGNUPS} subscriptions waiting for payment; complete or let one expire before signing up again.`);
  }

  const at = seoulTimestamp(now);
  const id = newId(deps.clock);
  // The PG first (KakaoPay's ready is a call): a refusal stores nothing, and a signup stored is one the buyer can pay.
  const gateway = await deps.gateways.gatewayFor(shopId, provider);
  const itemName = products[0]!.name + (products.length > 1 ? ` 외 ${products.length - 1}건` : '');
  let opened;
  try {
    opened = await gateway.openRegistration({ subscriptionId: id, customerKey: customerKeyFor(shopId, customerId), method: request.paymentMethod, itemName });
  } catch (error) {
    if (error instanceof GatewayRefusal) {
      logger.info('The PG refused to open a registration', { shopId, provider, code: error.code });
      throw new Unprocessable('CARD_REGISTRATION_FAILED', 'The payment window could not be opened. Please try again later.');
    }
    throw error;
  }
  const subscription: Subscription = {
    id,
    shopId,
    customerId,
    status: 'PENDING_PAYMENT',
    items: request.items.map((item) => ({ productId: item.productId, quantity: item.quantity, status: 'ACTIVE' })),
    cycle: request.cycle,
    startDate: request.startDate,
    paymentMethod: request.paymentMethod,
    nextDeliveryDate: null,
    nextNoticeDate: null,
    nextChargeDate: null,
    contact: request.contact,
    shippingAddress: request.shippingAddress,
    createdAt: at,
    updatedAt: at,
    ...(opened.session !== undefined ? { pgSession: opened.session } : {}),
    version: 1,
  };
  await deps.subscriptions.create(subscription, { expiresAt: Math.floor(now.getTime() / 1000) + PENDING_SIGNUP_SECONDS });
  // Failing to publish fails the request: an unannounced pending signup is harmless (it expires), a lost event is not.
  await deps.events.publish(subscriptionEvents.created(subscription));
  return { subscription, registration: opened.window };
}

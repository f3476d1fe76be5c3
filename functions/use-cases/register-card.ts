/**
 * S10: one card (and one KakaoPay registration) per buyer and shop — and one
 * live billing key at the PG for it. A new card replaces the previous one
 * everywhere, and every key it replaces is deleted at the PG.
 *
 * The registration item is written only if it still holds the key this
 * checkout read (a conditional write on the previous key), so of two
 * checkouts of one buyer at once exactly one replaces it. The other — the
 * loser — deletes the key it was just issued at the PG and pays with the
 * winner's card, which is the buyer's one card now: no race leaves a second
 * live key behind (issue 11, defect 1). What a PG still holds after a failed
 * deletion is swept when the service stops (sweep-billing-keys.ts).
 */
import { logger } from '../core/logger.ts';
import type { IssuedBillingKey } from '../adapters/gateways/payment-gateway.ts';
import type { BillingKeyRecord, PaymentProvider } from '../domain/billing-key.ts';
import type { StorefrontDeps } from './storefront-deps.ts';

export interface NewRegistration {
  readonly shopId: string;
  readonly customerId: string;
  readonly method: BillingKeyRecord['method'];
  readonly provider: PaymentProvider;
  readonly customerKey: string;
  readonly issued: IssuedBillingKey;
  readonly at: string;
}

/** What a checkout pays with after registering: its own new card, or the card a simultaneous checkout registered. */
export interface Registered {
  readonly registration: BillingKeyRecord;
  /** True when this checkout's card is the buyer's card now (it moves the other subscriptions and retires the old key). */
  readonly won: boolean;
}

const MAX_ROUNDS = 4;

/** Stores the issued key as the buyer's one registration, or — having lost a race — deletes it at the PG and answers the winner's. */
export async function registerCard(deps: Pick<StorefrontDeps, 'billingKeys' | 'gateways'>, request: NewRegistration): Promise<Registered> {
  const { shopId, customerId, method, provider, customerKey, issued, at } = request;
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const previous = await deps.billingKeys.get(shopId, customerId, method);
    // The single `retiring` slot must be free before this record takes the previous key into it.
    if (previous?.retiring) await retireKey(deps, previous);
    const registration: BillingKeyRecord = {
      shopId,
      customerId,
      method,
      provider,
      customerKey,
      billingKey: issued.billingKey,
      card: issued.card,
      registeredAt: at,
      ...(previous ? { retiring: { billingKey: previous.billingKey, provider: previous.provider, customerKey: previous.customerKey } } : {}),
    };
    if (await deps.billingKeys.put(registration, previous?.billingKey ?? null)) return { registration, won: true };

    // Lost: another checkout of this buyer replaced the registration since it was read.
    const winner = await deps.billingKeys.get(shopId, customerId, method);
    if (winner && winner.provider === provider) {
      await deleteLosingKey(deps, shopId, provider, customerKey, issued.billingKey);
      logger.info('A simultaneous checkout registered the buyer’s card first; this checkout pays with it', { shopId, provider });
      return { registration: winner, won: false };
    }
    // Gone again (a stop deleted it) or another PG's: read and try again.
  }
  await deleteLosingKey(deps, shopId, provider, customerKey, issued.billingKey);
  throw new Error('The buyer’s card registration kept changing during checkout');
}

async function deleteLosingKey(deps: Pick<StorefrontDeps, 'gateways'>, shopId: string, provider: PaymentProvider, customerKey: string, billingKey: string): Promise<void> {
  try {
    await (await deps.gateways.gatewayFor(shopId, provider)).deleteBillingKey({ billingKey, customerKey });
  } catch (error) {
    // Left to the stop-time sweep (sweep-billing-keys.ts) for a PG that lists keys; an operator finds it in the logs otherwise.
    logger.error('A billing key of a lost registration race could not be deleted at the PG', { provider, error: (error as Error).message });
  }
}

/**
 * S10: the key a registration replaced is deleted at the PG, then forgotten. Throws when the PG cannot
 * delete it now: the record keeps it, and the next registration (or the stop job) tries again.
 */
export async function retireKey(deps: Pick<StorefrontDeps, 'billingKeys' | 'gateways'>, registration: BillingKeyRecord): Promise<void> {
  const { retiring } = registration;
  if (!retiring) return;
  const gateway = await deps.gateways.gatewayFor(registration.shopId, retiring.provider);
  await gateway.deleteBillingKey({ billingKey: retiring.billingKey, customerKey: retiring.customerKey });
  await deps.billingKeys.clearRetiring(registration.shopId, registration.customerId, registration.method, registration.billingKey);
}

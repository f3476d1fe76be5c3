/**
 * May the shop's retry of a FAILED cycle (POST …/cycles/{deliveryDate}/retry) charge it? One pure check, asked
 * twice: by the route, before anything is written (a refusal is the merchant's 4xx, worded there:
 * retry-cycle.ts), and by the charge worker when the RETRY message arrives (what was true at the request may not
 * be any more; a refusal then leaves the cycle as it is: runs/charge-retry.ts).
 */
import { nothingAnnouncedIsWanted, type Cycle } from '../domain/cycle.ts';
import type { MaskedBillingKeyRecord, PaymentProvider } from '../domain/billing-key.ts';
import type { Shop } from '../domain/shop.ts';
import type { Subscription } from '../domain/subscription.ts';
import { providerFor } from './storefront-deps.ts';

/** The message kind of a retry on the charge worker's queue (the local router queue routes by it). */
export const RETRY_KIND = 'RETRY';

/** What a retry reads: the shop's own subscription, the cycle, the shop, and the buyer's registration (masked is enough). */
export interface RetryFacts<K extends Pick<MaskedBillingKeyRecord, 'provider'>> {
  readonly shopId: string;
  readonly subscription: Subscription | undefined;
  readonly cycle: Cycle | undefined;
  readonly shop: Shop | undefined;
  readonly billingKey: K | undefined;
}

/** Why a retry may not charge, in the order the merchant is told (each but the first two is a 409 code of the route). */
export type RetryRefusal = 'SUBSCRIPTION_NOT_FOUND' | 'CYCLE_NOT_FOUND' | 'CHARGE_IN_PROGRESS' | 'CYCLE_NOT_FAILED' | 'NOTHING_TO_CHARGE' | 'SERVICE_NOT_ACTIVE' | 'PAYMENT_METHOD_NOT_AVAILABLE' | 'NO_BILLING_KEY';

export type RetryCheck<K> =
  | { readonly ok: true; readonly subscription: Subscription; readonly cycle: Cycle; readonly provider: PaymentProvider; readonly billingKey: K }
  | { readonly ok: false; readonly refusal: RetryRefusal };

const refuse = (refusal: RetryRefusal) => ({ ok: false, refusal }) as const;

/** The provider to charge through, and the facts narrowed, when every check passes. */
export function retryCheck<K extends Pick<MaskedBillingKeyRecord, 'provider'>>(facts: RetryFacts<K>): RetryCheck<K> {
  const { shopId, subscription, cycle, shop, billingKey } = facts;
  if (!subscription || subscription.shopId !== shopId) return refuse('SUBSCRIPTION_NOT_FOUND');
  // A planned (SCHEDULED) cycle is not shown anywhere: as good as none.
  if (!cycle || cycle.status === 'SCHEDULED') return refuse('CYCLE_NOT_FOUND');
  if (cycle.status === 'CHARGING') return refuse('CHARGE_IN_PROGRESS');
  if (cycle.status !== 'FAILED') return refuse('CYCLE_NOT_FAILED');
  if (nothingAnnouncedIsWanted(subscription, cycle)) return refuse('NOTHING_TO_CHARGE');
  if (!shop || shop.service.status !== 'ACTIVE') return refuse('SERVICE_NOT_ACTIVE');
  const provider = providerFor(shop, subscription.paymentMethod);
  if (!provider) return refuse('PAYMENT_METHOD_NOT_AVAILABLE');
  if (!billingKey || billingKey.provider !== provider) return refuse('NO_BILLING_KEY');
  return { ok: true, subscription, cycle, provider, billingKey };
}

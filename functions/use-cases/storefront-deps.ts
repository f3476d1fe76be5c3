import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import type { BillingKeyGateway, GatewayIdentity } from '../adapters/gateways/payment-gateway.ts';
import type { BillingKeysRepository } from '../adapters/dynamodb/billing-keys.repo.ts';
import type { CyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import type { ProductsRepository } from '../adapters/dynamodb/products.repo.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import type { SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import type { PaymentProvider } from '../domain/billing-key.ts';
import type { Shop } from '../domain/shop.ts';

/**
 * Finds the adapter for a shop's card PG or KakaoPay, built from that shop's own
 * contract (functions/adapters/gateways/registry.ts): never another shop's keys. `G` is the part of the PG a
 * use case calls (payment-gateway.ts): billing keys by default, ChargingGateway where it charges.
 */
export interface GatewayDirectory<G extends GatewayIdentity = BillingKeyGateway> {
  gatewayFor(shopId: string, provider: PaymentProvider): Promise<G>;
}

export interface StorefrontDeps {
  readonly shops: ShopsRepository;
  readonly products: ProductsRepository;
  readonly subscriptions: SubscriptionsRepository;
  /** Checkout plans the first delivery; a cancel skips an announced cycle (S19). */
  readonly cycles: CyclesRepository;
  readonly billingKeys: BillingKeysRepository;
  readonly gateways: GatewayDirectory;
  readonly clock: Clock;
}

/** The buyer as the PG knows them: stable per (shop, customer), and no personal data leaves for the PG. */
export function customerKeyFor(shopId: string, customerId: string): string {
  return `ck_${createHash('sha256').update(`${shopId}\u0000${customerId}`).digest('base64url').slice(0, 40)}`;
}

/** Which PG processes a payment method in this shop (S9): the one card PG, or KakaoPay. */
export function providerFor(shop: Shop, method: 'card' | 'kakaopay'): PaymentProvider | undefined {
  if (method === 'kakaopay') return shop.service.easyPay.includes('kakaopay') ? 'kakaopay' : undefined;
  return shop.service.cardPg ?? undefined;
}

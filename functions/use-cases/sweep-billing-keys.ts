/**
 * The stop job's sweep (S22; issue 11, defect 1): after the KEYS phase has
 * deleted every billing key the table holds, ask each PG that can list keys
 * what it still holds for the shop's buyers, and delete at the PG every key
 * the table does not hold — a key a crashed or raced checkout left behind, or
 * one whose deletion failed earlier. A PG that cannot list keys (Toss
 * Payments) relies on the conditional registration write instead
 * (register-card.ts), which never leaves a second key behind.
 */
import { logger } from '../core/logger.ts';
import type { BillingKeysRepository } from '../adapters/dynamodb/billing-keys.repo.ts';
import type { BillingKeyGateway } from '../adapters/gateways/payment-gateway.ts';
import type { PaymentProvider } from '../domain/billing-key.ts';
import { CARD_PGS, EASY_PAYS } from '../domain/shop.ts';
import { customerKeyFor, type GatewayDirectory } from './storefront-deps.ts';

export interface SweepDeps {
  readonly billingKeys: Pick<BillingKeysRepository, 'get'>;
  readonly gateways: GatewayDirectory;
}

export interface SweepScope {
  /** A KakaoPay switch-off sweeps KakaoPay keys issued before it only. */
  readonly kakaoPayOnly: boolean;
  readonly before: string;
}

const PROVIDERS: readonly PaymentProvider[] = [...CARD_PGS, ...EASY_PAYS];
const METHODS = ['card', 'kakaopay'] as const;

/** The gateways that can list keys, each once (locally one sandbox serves every provider). */
async function listingGateways(gateways: GatewayDirectory, shopId: string): Promise<BillingKeyGateway[]> {
  const found = new Set<BillingKeyGateway>();
  for (const provider of PROVIDERS) {
    try {
      const gateway = await gateways.gatewayFor(shopId, provider);
      if (gateway.listBillingKeys) found.add(gateway);
    } catch {
      // No contract or adapter for this PG here: nothing of ours can be there.
    }
  }
  return [...found];
}

/** Deletes at the PG every key it holds for these buyers that the table does not; answers how many. */
export async function sweepBillingKeys(deps: SweepDeps, shopId: string, customerIds: Iterable<string>, scope: SweepScope): Promise<number> {
  const gateways = await listingGateways(deps.gateways, shopId);
  if (gateways.length === 0) return 0;
  let deleted = 0;
  for (const customerId of new Set(customerIds)) {
    const customerKey = customerKeyFor(shopId, customerId);
    const records = await Promise.all(METHODS.map((method) => deps.billingKeys.get(shopId, customerId, method)));
    const held = new Set(records.flatMap((record) => (record ? [record.billingKey, ...(record.retiring ? [record.retiring.billingKey] : [])] : [])));
    for (const gateway of gateways) {
      for (const key of await gateway.listBillingKeys!(customerKey)) {
        if (held.has(key.billingKey)) continue;
        if (scope.kakaoPayOnly && (key.method !== 'kakaopay' || key.issuedAt > scope.before)) continue;
        await gateway.deleteBillingKey({ billingKey: key.billingKey, customerKey });
        deleted += 1;
      }
    }
  }
  if (deleted > 0) logger.warn('Stop sweep deleted billing keys the PG held but the table did not', { shopId, deleted });
  return deleted;
}

import { NotFound } from '../core/errors.ts';
import { REQUIRED_DOCUMENTS, type ServiceState } from '../domain/shop.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';

export interface ServiceView extends ServiceState {
  readonly requiredDocuments: readonly string[];
  readonly stats: { readonly activeSubscriptions: number };
}

/**
 * A merchant reads its service state (S6): status, the card PG, easy pay, the
 * documents that PG needs (S3) and usage figures.
 */
export async function getService(deps: { shops: ShopsRepository }, shopId: string): Promise<ServiceView> {
  const shop = await deps.shops.get(shopId);
  if (!shop) throw new NotFound('Shop');
  const { service } = shop;
  return {
    ...service,
    requiredDocuments: service.cardPg ? REQUIRED_DOCUMENTS[service.cardPg] : [],
    stats: { activeSubscriptions: shop.activeSubscriptions },
  };
}

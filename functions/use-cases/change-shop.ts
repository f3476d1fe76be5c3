import { Conflict, NotFound } from '../core/errors.ts';
import type { Shop } from '../domain/shop.ts';
import type { ShopChanges, ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';

/** Enough for any realistic burst of concurrent admin clicks; each retry re-reads the shop. */
const MAX_ATTEMPTS = 5;

/**
 * Applies a change computed from the shop's current state as one conditional
 * write. Two actions racing on the same shop (an admin and the platform's
 * review, two admin tabs) cannot both apply to the same version: the loser
 * re-reads and decides again, so a transition is never applied to a state it
 * was not computed from.
 */
export async function changeShop(deps: { shops: ShopsRepository }, shopId: string, decide: (shop: Shop) => ShopChanges): Promise<Shop> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const shop = await deps.shops.get(shopId);
    if (!shop) throw new NotFound('The shop');
    const changes = decide(shop);
    const unchanged = Object.entries(changes).every(([field, value]) => JSON.stringify(value) === JSON.stringify(shop[field as keyof Shop]));
    if (unchanged) return shop;
    if (await deps.shops.update(shopId, shop.version, changes)) return { ...shop, ...changes, version: shop.version + 1 };
  }
  throw new Conflict('CONCURRENT_UPDATE', 'The shop was changed by someone else at the same time; please retry.');
}

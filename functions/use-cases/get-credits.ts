import { NotFound } from '../core/errors.ts';
import type { CreditBalances } from '../domain/credits.ts';
import type { CreditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';

/**
 * A merchant reads its credit balances (S12, S24): what is spendable, and what sends in progress hold.
 * A shop that never bought credits has zero of each; a token whose shop does not exist gets 404.
 */
export async function getCredits(deps: { shops: ShopsRepository; credits: CreditsRepository }, shopId: string): Promise<CreditBalances> {
  const [shop, balances] = await Promise.all([deps.shops.get(shopId), deps.credits.balances(shopId)]);
  if (!shop) throw new NotFound('The shop');
  return balances;
}

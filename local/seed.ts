/**
 * Demo data for the README walkthrough, created through the same use cases
 * the API uses; safe to run on every start (what exists is left alone).
 */
import { AppError } from '../functions/core/errors.ts';
import { createShop } from '../functions/use-cases/create-shop.ts';
import { putProduct, type ProductSettings, type PutProductDeps } from '../functions/use-cases/products.ts';
import { putPgContract, type PgContractDeps } from '../functions/use-cases/pg-contracts.ts';
import { SAMPLE_CONTRACTS } from './sample-contracts.ts';

export const DEMO_SHOP = {
  shopId: 'demo-shop',
  name: 'Demo Coffee Roasters',
  operatorEmail: 'operator@demo-shop.example',
  productManagement: 'new',
} as const;

export const DEMO_PRODUCTS: Record<string, ProductSettings> = {
  'house-blend-1kg': { name: 'House blend beans 1kg', price: 25_000, subscription: { enabled: true, cycles: ['2w', '4w', '1m'] }, onePlusNEvent: false },
  'drip-bags-30': { name: 'Drip bags, 30 pack', price: 18_000, subscription: { enabled: true, cycles: ['1w', '2w'] }, onePlusNEvent: false },
  // S14: configured for subscription, but a 1+N event product never offers it.
  'gift-set-1plus1': { name: 'Gift set 1+1 event', price: 30_000, subscription: { enabled: true, cycles: ['1m'] }, onePlusNEvent: true },
  'ceramic-mug': { name: 'Ceramic mug', price: 12_000, subscription: { enabled: false, cycles: [] }, onePlusNEvent: false },
};

/** The demo shop's contracts (S1): Toss Payments and KakaoPay, with sample keys the sandbox PG accepts. */
export async function seedDemo(deps: PutProductDeps & PgContractDeps): Promise<void> {
  try {
    await createShop(deps, DEMO_SHOP);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'SHOP_ALREADY_EXISTS')) throw error;
  }
  if ((await deps.pgContracts.list(DEMO_SHOP.shopId)).length === 0) {
    await putPgContract(deps, DEMO_SHOP.shopId, 'tosspayments', SAMPLE_CONTRACTS.tosspayments);
    await putPgContract(deps, DEMO_SHOP.shopId, 'kakaopay', SAMPLE_CONTRACTS.kakaopay);
  }
  for (const [productId, settings] of Object.entries(DEMO_PRODUCTS)) {
    if (!(await deps.products.get(DEMO_SHOP.shopId, productId))) await putProduct(deps, DEMO_SHOP.shopId, productId, settings);
  }
}

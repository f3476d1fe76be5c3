/**
 * Demo data for the README walkthrough, created through the same use cases
 * the API uses; safe to run on every start (an existing shop is left alone).
 */
import type { Clock } from '../functions/core/clock.ts';
import { AppError } from '../functions/core/errors.ts';
import type { ShopsRepository } from '../functions/adapters/dynamodb/shops.repo.ts';
import { createShop } from '../functions/use-cases/create-shop.ts';

export const DEMO_SHOP = {
  shopId: 'demo-shop',
  name: 'Demo Coffee Roasters',
  operatorEmail: 'operator@demo-shop.example',
  productManagement: 'new',
} as const;

export async function seedDemo(deps: { shops: ShopsRepository; clock: Clock }): Promise<void> {
  try {
    await createShop(deps, DEMO_SHOP);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'SHOP_ALREADY_EXISTS')) throw error;
  }
}

import type { Clock } from '../core/clock.ts';
import { seoulTimestamp } from '../core/dates.ts';
import { Conflict } from '../core/errors.ts';
import { DEFAULT_DELIVERY_CALENDAR } from '../domain/delivery-calendar.ts';
import { DEFAULT_START_DATE_WINDOW, NOT_APPLIED, type ProductManagement, type Shop } from '../domain/shop.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';

export interface CreateShopInput {
  readonly shopId: string;
  readonly name: string;
  readonly operatorEmail: string;
  readonly productManagement: ProductManagement;
}

/**
 * The platform registers a shop.
 *
 * Primary course: the shop is stored with its service NOT_APPLIED (S1 comes later,
 * from the merchant). Alternate: the id is taken → 409 SHOP_ALREADY_EXISTS, nothing written.
 */
export async function createShop(deps: { shops: ShopsRepository; clock: Clock }, input: CreateShopInput): Promise<Shop> {
  const shop: Shop = { ...input, createdAt: seoulTimestamp(deps.clock.now()), service: NOT_APPLIED, startDateWindow: DEFAULT_START_DATE_WINDOW, deliveryCalendar: DEFAULT_DELIVERY_CALENDAR, activeSubscriptions: 0, version: 1 };
  if (!(await deps.shops.create(shop))) {
    throw new Conflict('SHOP_ALREADY_EXISTS', `A shop with id ${input.shopId} already exists.`);
  }
  return shop;
}

/** What the API shows of a shop: its profile (the service state has its own endpoint). */
export function toShopView(shop: Shop) {
  const { shopId, name, operatorEmail, productManagement, createdAt } = shop;
  return { shopId, name, operatorEmail, productManagement, createdAt };
}

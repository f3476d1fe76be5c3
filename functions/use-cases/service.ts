/**
 * The merchant's subscription service: read it (S6), apply (S1–S3, S8), the
 * PG's review (S2), the card PG and KakaoPay (S9, S21). Each change is one
 * conditional write of the shop item (see change-shop.ts).
 */
import type { Clock } from '../core/clock.ts';
import { seoulTimestamp } from '../core/dates.ts';
import { NotFound } from '../core/errors.ts';
import * as service from '../domain/shop.ts';
import type { CardPg, EasyPay, ServiceState, Shop } from '../domain/shop.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { changeShop } from './change-shop.ts';

type Deps = { shops: ShopsRepository; clock: Clock };

export interface ServiceView extends ServiceState {
  readonly requiredDocuments: readonly string[];
  readonly stats: { readonly activeSubscriptions: number };
}

export function toServiceView(shop: Shop): ServiceView {
  return {
    ...shop.service,
    requiredDocuments: shop.service.cardPg ? service.REQUIRED_DOCUMENTS[shop.service.cardPg] : [],
    stats: { activeSubscriptions: shop.activeSubscriptions },
  };
}

/** S6: status, card PG, easy pay, the documents that PG needs (S3) and usage figures. */
export async function getService(deps: { shops: ShopsRepository }, shopId: string): Promise<ServiceView> {
  const shop = await deps.shops.get(shopId);
  if (!shop) throw new NotFound('The shop');
  return toServiceView(shop);
}

/**
 * Primary course: a shop on the new product management applies with its card
 * PG (and optionally KakaoPay); the service is REVIEWING and the answer lists
 * the documents that PG wants (S3). Alternates: legacy shop → 409
 * PRODUCT_MANAGEMENT_NOT_SUPPORTED (S8); already under review, active or
 * stopping → 409 ALREADY_APPLIED. A REJECTED or STOPPED shop may apply again.
 */
export async function applyForService(deps: Deps, shopId: string, request: { cardPg: CardPg; easyPay?: readonly EasyPay[] }): Promise<ServiceView> {
  const at = seoulTimestamp(deps.clock.now());
  return toServiceView(await changeShop(deps, shopId, (shop) => ({ service: service.apply(shop, request, at) })));
}

/** S2: approved → ACTIVE; rejected → REJECTED with the reason. Only an application under review can be reviewed. */
export async function reviewApplication(deps: Deps, shopId: string, decision: 'approved' | 'rejected', reason?: string): Promise<ServiceView> {
  const at = seoulTimestamp(deps.clock.now());
  return toServiceView(await changeShop(deps, shopId, (shop) => ({ service: service.review(shop.service, decision, reason, at) })));
}

/** S9, S21: a different card PG (or none) stops a running service; the same PG changes nothing. */
export async function changeCardPg(deps: Deps, shopId: string, cardPg: CardPg | null): Promise<ServiceView> {
  const at = seoulTimestamp(deps.clock.now());
  return toServiceView(await changeShop(deps, shopId, (shop) => ({ service: service.changeCardPg(shop.service, cardPg, at) })));
}

/** S9: KakaoPay on or off, independent of the card PG. */
export async function setEasyPay(deps: Deps, shopId: string, kakaopay: boolean): Promise<ServiceView> {
  return toServiceView(await changeShop(deps, shopId, (shop) => ({ service: service.setEasyPay(shop.service, kakaopay) })));
}

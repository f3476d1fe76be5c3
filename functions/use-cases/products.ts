import type { Clock } from '../core/clock.ts';
import { addDays, seoulDate, seoulTimestamp } from '../core/dates.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { priceChange, type NonConsentPolicy } from '../domain/price-change.ts';
import { isDeliveryDay } from '../domain/delivery-calendar.ts';
import type { DeliveryDiscount } from '../domain/pricing.ts';
import { DEFAULT_PRICE_INCREASE_POLICY, inCycleOrder, isSubscribable, priceChangesOf, type CycleCode, type Product } from '../domain/product.ts';
import type { ProductsRepository } from '../adapters/dynamodb/products.repo.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { ensurePriceChangeJobs, type PriceChangeTriggerDeps } from './price-change-job.ts';

type Deps = { shops: ShopsRepository; products: ProductsRepository; clock: Clock };
/** What a save needs besides: an increase starts its notice job. */
export type PutProductDeps = Deps & PriceChangeTriggerDeps;

export interface ProductView extends Product {
  readonly subscribable: boolean;
}

export const toProductView = (product: Product): ProductView => ({ ...product, subscribable: isSubscribable(product) });

export interface ProductSettings {
  readonly name: string;
  readonly price: number;
  readonly subscription: { readonly enabled: boolean; readonly cycles: readonly CycleCode[] };
  readonly onePlusNEvent: boolean;
  readonly maxDeliveries?: number | undefined;
  readonly discounts?: readonly DeliveryDiscount[] | undefined;
  readonly priceIncreasePolicy?: NonConsentPolicy | undefined;
}

/**
 * Issue 14: the product's change history after saving `next` over `before`. Every list-price change is recorded
 * (unitPriceFor walks them in order, so a decrease after a recorded increase must be on the list too); an
 * increase is what the notice job announces. A retried PUT finds the new price already saved: nothing is added.
 */
function withPriceChange(before: Product | undefined, next: Product, today: string, at: string): { product: Product } {
  if (!before) return { product: next };
  const history = priceChangesOf(before);
  const change = priceChange(next.productId, before.price, next.price, today, next.priceIncreasePolicy);
  const recorded = change && !history.some((known) => known.changeId === change.changeId) ? { ...change, announcedAt: at } : undefined;
  const priceChanges = recorded ? [...history, recorded] : history;
  const product: Product = { ...next, ...(priceChanges.length > 0 ? { priceChanges } : {}) };
  return { product };
}

/** S13, S14: creates or replaces a product. A 1+N event product may keep its subscription settings, but is never subscribable. */
export async function putProduct(deps: PutProductDeps, shopId: string, productId: string, settings: ProductSettings): Promise<ProductView> {
  if (!(await deps.shops.get(shopId))) throw new NotFound('The shop');
  const { maxDeliveries, discounts, priceIncreasePolicy, ...rest } = settings;
  const before = await deps.products.get(shopId, productId);
  const now = deps.clock.now();
  const { product } = withPriceChange(
    before,
    {
      productId,
      ...rest,
      ...(maxDeliveries !== undefined ? { maxDeliveries } : {}),
      ...(discounts !== undefined && discounts.length > 0 ? { discounts } : {}),
      priceIncreasePolicy: priceIncreasePolicy ?? before?.priceIncreasePolicy ?? DEFAULT_PRICE_INCREASE_POLICY,
      subscription: { enabled: settings.subscription.enabled, cycles: inCycleOrder(settings.subscription.cycles) },
      updatedAt: seoulTimestamp(now),
    },
    seoulDate(now),
    seoulTimestamp(now),
  );
  // Conditional on the version read: two saves at once cannot lose a recorded price change.
  if (!(await deps.products.replace(shopId, product, before))) throw new Conflict('PRODUCT_CHANGED', 'The product was changed by another request meanwhile; read it and save again.');
  // After the save: the job reads the change from its own item, and a save that died here is resumed by the next one.
  await ensurePriceChangeJobs(deps, shopId, product, seoulDate(now), seoulTimestamp(now));
  return toProductView(product);
}

export async function getProduct(deps: Pick<Deps, 'products'>, shopId: string, productId: string): Promise<ProductView> {
  const product = await deps.products.get(shopId, productId);
  if (!product) throw new NotFound('The product');
  return toProductView(product);
}

export async function listProducts(deps: Pick<Deps, 'products'>, shopId: string, page: { limit: number; cursor?: string | undefined }) {
  const { items, nextCursor } = await deps.products.list(shopId, page);
  return { items: items.map(toProductView), nextCursor };
}

export interface PurchaseOptions {
  readonly product: { readonly name: string; readonly price: number; readonly onePlusNEvent: boolean };
  readonly purchaseMethods: ['one-time'] | ['one-time', 'subscription'];
  readonly cycles: CycleCode[];
  readonly paymentMethods: Array<'card' | 'kakaopay'>;
  readonly earliestStartDate: string | null;
  readonly latestStartDate: string | null;
  /** Days in the window the shop does not deliver on (issue 14): a start picked there moves by the shop's calendar. */
  readonly unavailableStartDates: string[];
  /** Issue 14: deliveries a subscription has (null: until cancelled), and the discounts by delivery number. */
  readonly maxDeliveries: number | null;
  readonly discounts: readonly DeliveryDiscount[];
}

/**
 * What a product page offers (S13–S15). Subscription is offered only while
 * the shop's service is ACTIVE and the product is subscribable (enabled, with
 * cycles, and not a 1+N event — S14). The start-date window is counted from
 * today in Asia/Seoul, and narrowed to the shop's delivery days (issue 14):
 * the first and last allowed day in it, and the avoided days between.
 */
export async function getPurchaseOptions(deps: Deps, shopId: string, productId: string): Promise<PurchaseOptions> {
  const [shop, product] = await Promise.all([deps.shops.get(shopId), deps.products.get(shopId, productId)]);
  if (!shop || !product) throw new NotFound('The product');
  const active = shop.service.status === 'ACTIVE';
  const shown = { name: product.name, price: product.price, onePlusNEvent: product.onePlusNEvent };
  const paymentMethods: Array<'card' | 'kakaopay'> = [];
  if (active && shop.service.cardPg) paymentMethods.push('card');
  if (active && shop.service.easyPay.includes('kakaopay')) paymentMethods.push('kakaopay');
  if (!active || !isSubscribable(product) || paymentMethods.length === 0) {
    return { product: shown, purchaseMethods: ['one-time'], cycles: [], paymentMethods: [], earliestStartDate: null, latestStartDate: null, unavailableStartDates: [], maxDeliveries: null, discounts: [] };
  }
  const today = seoulDate(deps.clock.now());
  const window: string[] = [];
  for (let day = shop.startDateWindow.earliestDaysAhead; day <= shop.startDateWindow.latestDaysAhead; day += 1) window.push(addDays(today, day));
  const allowed = window.filter((date) => isDeliveryDay(date, shop.deliveryCalendar));
  return {
    product: shown,
    purchaseMethods: ['one-time', 'subscription'],
    cycles: inCycleOrder(product.subscription.cycles),
    paymentMethods,
    earliestStartDate: allowed[0] ?? null,
    latestStartDate: allowed.at(-1) ?? null,
    unavailableStartDates: window.filter((date) => !allowed.includes(date)),
    maxDeliveries: product.maxDeliveries ?? null,
    discounts: product.discounts ?? [],
  };
}

/**
 * What the payment notice locks for one cycle (S18, issue 14), decided from the subscription, the products and
 * the subscriber's answers to price increases — pure, so the notice run only reads and writes:
 * - the delivery number: deliveries charged so far + 1 (`chargedDeliveries`, counted by the advance past a
 *   charged cycle, so it is final when the next cycle is locked: the notice waits for the advance; a cycle
 *   charged after the subscription moved past it — REVIEW, FAILED — is counted when it is charged,
 *   delivery-count.ts);
 * - each ACTIVE line whose product still sells and whose `maxDeliveries` is not used up, at `unitPriceFor`:
 *   the price-change rules (a decrease at once; an increase from its `increaseFrom` with consent only — else
 *   the old price, or the subscription ends before this cycle by the product's policy) and the discount of
 *   the delivery number, with the list price and discount kept for the order;
 * - whether this is the final delivery (every line at its product's `maxDeliveries`): charged, it completes
 *   the subscription;
 * - whether nothing is left to deliver at all (every line used its deliveries up): the subscription completes
 *   now, without this cycle.
 */
import type { IsoDate } from '../core/dates.ts';
import type { CycleLine } from './cycle.ts';
import { isAskedAbout, unitPriceFor, type PriceConsent } from './price-change.ts';
import { priceChangesOf, type Product } from './product.ts';
import type { Subscription } from './subscription.ts';

export interface CyclePricing {
  readonly deliveryNumber: number;
  readonly lines: CycleLine[];
  /** Every line of the cycle is at its product's last delivery. */
  readonly finalDelivery: boolean;
  /** Every line that still sells has used its deliveries up: the subscription is complete before this cycle. */
  readonly exhausted: boolean;
  /** The buyer did not consent to this increase and its product ends such subscriptions: end it before this cycle. */
  readonly refusedIncrease?: string;
}

type Subscriber = Pick<Subscription, 'items' | 'createdAt' | 'chargedDeliveries'>;

/** The delivery the next lock is: deliveries charged so far + 1. */
export const deliveryNumberOf = (subscription: Pick<Subscription, 'chargedDeliveries'>): number => (subscription.chargedDeliveries ?? 0) + 1;

const usedUp = (product: Product, deliveryNumber: number): boolean => product.maxDeliveries !== undefined && deliveryNumber > product.maxDeliveries;

/** The ACTIVE lines that are sold in this delivery, with their products. */
function sold(subscription: Subscriber, products: ReadonlyMap<string, Product>, deliveryNumber: number) {
  return subscription.items.flatMap((line) => {
    const product = line.status === 'ACTIVE' ? products.get(line.productId) : undefined;
    return product && !usedUp(product, deliveryNumber) ? [{ line, product }] : [];
  });
}

/**
 * Whether pricing this cycle needs the subscriber's answers: an increase of a product it receives whose
 * `increaseFrom` has come by this notice and that it was asked about. Most notices need none (no read).
 */
export function needsConsents(subscription: Subscriber, products: ReadonlyMap<string, Product>, noticeDate: IsoDate): boolean {
  return sold(subscription, products, deliveryNumberOf(subscription)).some(({ product }) =>
    priceChangesOf(product).some((change) => change.increaseFrom !== undefined && change.increaseFrom <= noticeDate && isAskedAbout(subscription, change)),
  );
}

/** Prices the cycle noticed on `noticeDate` (see the module comment). */
export function priceCycle(subscription: Subscriber, products: ReadonlyMap<string, Product>, noticeDate: IsoDate, consents: readonly PriceConsent[]): CyclePricing {
  const deliveryNumber = deliveryNumberOf(subscription);
  const selling = subscription.items.filter((line) => line.status === 'ACTIVE' && products.has(line.productId));
  let refusedIncrease: string | undefined;
  const lines: CycleLine[] = sold(subscription, products, deliveryNumber).map(({ line, product }) => {
    // A subscriber who signed up after a change agreed to the price it found: only the changes it was asked about count.
    const changes = priceChangesOf(product).filter((change) => isAskedAbout(subscription, change));
    const price = unitPriceFor(product, { noticeDate, deliveryNumber }, changes, consents);
    if (price.endSubscription) refusedIncrease ??= price.decidedBy;
    // The order keeps the list price and the discount when there is one (without one, the list price is the unit price).
    return { productId: line.productId, quantity: line.quantity, unitPrice: price.unitPrice, ...(price.discount > 0 ? { listPrice: price.listPrice, discount: price.discount } : {}) };
  });
  const finalDelivery = lines.length > 0 && lines.every((line) => products.get(line.productId)?.maxDeliveries === deliveryNumber);
  return { deliveryNumber, lines, finalDelivery, exhausted: selling.length > 0 && lines.length === 0, ...(refusedIncrease !== undefined ? { refusedIncrease } : {}) };
}

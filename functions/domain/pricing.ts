/**
 * What a delivery of a product costs (issue 14): the list price, less the
 * product's discount for that delivery number ("1–2회 5 %, 3회부터 10 %").
 * Money is integer KRW; a percent discount is rounded down to the won, so the
 * shop never gives more than the percent it stated.
 */

/** A discount for deliveries `fromDelivery`…`toDelivery` (1-based, inclusive; open-ended without `toDelivery`): exactly one of percent or won. */
export interface DeliveryDiscount {
  readonly fromDelivery: number;
  readonly toDelivery?: number | undefined;
  readonly percent?: number | undefined;
  readonly won?: number | undefined;
}

export interface PricedProduct {
  /** Integer KRW. */
  readonly price: number;
  readonly discounts?: readonly DeliveryDiscount[];
}

export interface DeliveryPrice {
  readonly listPrice: number;
  /** Won off one unit, ≥ 0. */
  readonly discount: number;
  /** listPrice − discount: what one unit of this delivery is charged. */
  readonly unitPrice: number;
}

const covers = (rule: DeliveryDiscount, deliveryNumber: number): boolean => deliveryNumber >= rule.fromDelivery && (rule.toDelivery === undefined || deliveryNumber <= rule.toDelivery);

/** The discount rule for a delivery number (1 = the first delivery), if any. */
export function discountFor(product: PricedProduct, deliveryNumber: number): DeliveryDiscount | undefined {
  return product.discounts?.find((rule) => covers(rule, deliveryNumber));
}

/** One unit of `product` in its `deliveryNumber`-th delivery (1-based). */
export function priceForDelivery(product: PricedProduct, deliveryNumber: number): DeliveryPrice {
  if (!Number.isInteger(deliveryNumber) || deliveryNumber < 1) throw new RangeError(`A delivery number is a positive integer, not ${deliveryNumber}`);
  const rule = discountFor(product, deliveryNumber);
  const raw = rule === undefined ? 0 : rule.percent !== undefined ? Math.floor((product.price * rule.percent) / 100) : (rule.won ?? 0);
  const discount = Math.min(raw, product.price);
  return { listPrice: product.price, discount, unitPrice: product.price - discount };
}

/**
 * Why a list of discounts cannot stand (the PUT's 400 details), or `[]`: ranges
 * must not overlap, `toDelivery` ≥ `fromDelivery`, a won discount must leave
 * something to charge, and no rule may start after the last delivery.
 */
export function discountProblems(discounts: readonly DeliveryDiscount[], price: number, maxDeliveries: number | undefined): Array<{ path: string; message: string }> {
  const problems: Array<{ path: string; message: string }> = [];
  discounts.forEach((rule, index) => {
    if (rule.toDelivery !== undefined && rule.toDelivery < rule.fromDelivery) problems.push({ path: `discounts.${index}.toDelivery`, message: 'Cannot end before fromDelivery.' });
    if (rule.won !== undefined && rule.won >= price) problems.push({ path: `discounts.${index}.won`, message: 'A won discount must be less than the price.' });
    if (maxDeliveries !== undefined && rule.fromDelivery > maxDeliveries) problems.push({ path: `discounts.${index}.fromDelivery`, message: `After the last delivery (${maxDeliveries}).` });
    discounts.slice(0, index).forEach((earlier, other) => {
      const endsBefore = (a: DeliveryDiscount, b: DeliveryDiscount) => a.toDelivery !== undefined && a.toDelivery < b.fromDelivery;
      if (!endsBefore(earlier, rule) && !endsBefore(rule, earlier)) problems.push({ path: `discounts.${index}`, message: `Overlaps discounts.${other}.` });
    });
  });
  return problems;
}

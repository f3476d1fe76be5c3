/**
 * A paid delivery the shop is to ship. There is no order item: the CHARGED
 * cycle is the order (listed per shop on gsi1), so a charge writes one item,
 * not two — this is its fulfilment view.
 */
import { isOrder, type Cycle, type CycleLine } from './cycle.ts';
import type { ShippingAddress } from './subscription.ts';

export interface Order {
  /** The merchant order id the PG was charged under (deterministic per subscription, delivery date and attempt). */
  readonly orderId: string;
  readonly shopId: string;
  readonly subscriptionId: string;
  readonly customerId: string;
  readonly deliveryDate: string;
  /** Integer KRW: exactly the announced amount (S18). */
  readonly amount: number;
  readonly items: readonly CycleLine[];
  readonly paymentKey: string;
  readonly approvedAt: string;
  /** When the charge was recorded: the order's place in the shop's list. */
  readonly chargedAt: string;
  readonly shippingAddress?: ShippingAddress;
}

/** The order a cycle is, once it is CHARGED. */
export function orderOf(cycle: Cycle): Order | undefined {
  if (!isOrder(cycle)) return undefined;
  const { orderId, shopId, subscriptionId, customerId, deliveryDate, amount, items, paymentKey, approvedAt, chargedAt, shippingAddress } = cycle;
  return { orderId, shopId, subscriptionId, customerId, deliveryDate, amount, items, paymentKey, approvedAt, chargedAt, ...(shippingAddress ? { shippingAddress } : {}) };
}

/** What GET /admin/orders lists: a CHARGED cycle (an order to ship) or a FAILED one (a payment to retry). */
export type OrderStatus = 'CHARGED' | 'FAILED';
export const ORDER_STATUSES: readonly OrderStatus[] = ['CHARGED', 'FAILED'];

/**
 * The fulfilment view of a charged or failed cycle. A failed payment has no order to ship: its order id is the
 * last attempt's (null when no attempt reached the PG), with the reason; nothing internal (payment keys,
 * idempotency keys) is shown.
 */
export function toOrderView(cycle: Cycle, nameOf: (productId: string) => string | undefined = () => undefined) {
  const { subscriptionId, customerId, deliveryDate, amount, items, shippingAddress } = cycle;
  return {
    orderId: cycle.orderId ?? null,
    status: cycle.status as OrderStatus,
    subscriptionId,
    customerId,
    deliveryDate,
    amount,
    items: items.map(({ productId, quantity, unitPrice }) => ({ productId, ...(nameOf(productId) !== undefined ? { name: nameOf(productId)! } : {}), quantity, unitPrice })),
    ...(shippingAddress ? { shippingAddress: { ...shippingAddress } } : {}),
    ...(cycle.status === 'CHARGED' ? { paidAt: cycle.approvedAt ?? cycle.chargedAt, chargedAt: cycle.chargedAt } : {}),
    ...(cycle.status === 'FAILED' ? { failedAt: cycle.failedAt, attempts: cycle.attempts ?? 0, ...(cycle.lastFailure ? { failure: { code: cycle.lastFailure.code, message: cycle.lastFailure.message } } : {}) } : {}),
  };
}

export type OrderView = ReturnType<typeof toOrderView>;

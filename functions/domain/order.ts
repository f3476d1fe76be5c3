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

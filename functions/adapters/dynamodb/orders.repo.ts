/**
 * Orders for fulfilment (docs/data-model.md, entity "Order", access pattern 13):
 * one per charged cycle, in the subscription's partition, keyed by the
 * delivery date — so a rerun of the charge run addresses the same item and its
 * conditional put changes nothing — and listed per shop, newest first, on gsi1.
 */
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CycleLine, ShippingAddress } from '../../domain/subscription.ts';
import { writeIfCondition } from './client.ts';
import { indexKeys, keys } from './keys.ts';

/** A paid delivery the shop is to ship. */
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
  /** When the charge was recorded (the cycle's chargedAt): the order's place in the shop's list. */
  readonly chargedAt: string;
  readonly shippingAddress?: ShippingAddress;
}

export interface OrdersRepository {
  /** Writes the order unless it exists: true when this call created it (a rerun answers false and changes nothing). */
  create(order: Order): Promise<boolean>;
  get(subscriptionId: string, deliveryDate: string): Promise<Order | undefined>;
  /** A shop's orders, newest first (fulfilment). */
  listByShop(shopId: string, limit: number): Promise<Order[]>;
}

const STORAGE = new Set(['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk']);
const fromItem = (item: Record<string, unknown>): Order => Object.fromEntries(Object.entries(item).filter(([name]) => !STORAGE.has(name))) as unknown as Order;

export function ordersRepository(db: DynamoDBDocumentClient, tableName: string): OrdersRepository {
  return {
    async create(order) {
      return writeIfCondition(() =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.order(order.subscriptionId, order.deliveryDate), type: 'order', ...order, ...indexKeys.shopOrders(order.shopId, order.chargedAt, order.orderId) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        ),
      );
    },

    async get(subscriptionId, deliveryDate) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.order(subscriptionId, deliveryDate), ConsistentRead: true }));
      return Item ? fromItem(Item) : undefined;
    },

    async listByShop(shopId, limit) {
      const { gsi1pk } = indexKeys.shopOrders(shopId, '', '');
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': gsi1pk },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (Items ?? []).map(fromItem);
    },
  };
}

/**
 * Orders for fulfilment (docs/data-model.md, access pattern 13): a shop's
 * CHARGED cycles, listed newest first on gsi1 (`SHOP#{shopId}#ORDERS`, a
 * sparse index: only a charged cycle carries the keys). The charged cycle is
 * the order — no second item is written.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { orderOf, type Order } from '../../domain/order.ts';
import { cyclesRepository, toCycle } from './cycles.repo.ts';
import { ordersPartition } from './keys.ts';

export type { Order } from '../../domain/order.ts';

export interface OrdersRepository {
  /** The order of a delivery, once it is charged. */
  get(subscriptionId: string, deliveryDate: string): Promise<Order | undefined>;
  /** A shop's orders, newest first (fulfilment). */
  listByShop(shopId: string, limit: number): Promise<Order[]>;
}

export function ordersRepository(db: DynamoDBDocumentClient, tableName: string): OrdersRepository {
  const cycles = cyclesRepository(db, tableName);
  return {
    async get(subscriptionId, deliveryDate) {
      const cycle = await cycles.get({ subscriptionId, deliveryDate });
      return cycle ? orderOf(cycle) : undefined;
    },

    async listByShop(shopId, limit) {
      const partition = ordersPartition(shopId);
      const { Items } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: partition.index,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': partition.attribute },
          ExpressionAttributeValues: { ':pk': partition.value },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (Items ?? []).flatMap((item) => orderOf(toCycle(item)) ?? []);
    },
  };
}

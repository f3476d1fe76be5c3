/**
 * Orders for fulfilment (docs/data-model.md, access patterns 13 and 20): a
 * shop's CHARGED cycles, listed newest first on gsi1 (`SHOP#{shopId}#ORDERS`,
 * a sparse index: only a charged cycle carries the keys), and its FAILED ones
 * on gsi3 (`SHOP#{shopId}#FAILED`, sparse too). The charged cycle is the order
 * — no second item is written. Both sort by a Seoul timestamp (charged at,
 * failed at), so a date range is a key condition, never a filter or a scan.
 */
import { createHash } from 'node:crypto';
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Cycle } from '../../domain/cycle.ts';
import { orderOf, type Order, type OrderStatus } from '../../domain/order.ts';
import { clientStartKeyRefused, decodeCursor, encodeCursor, indexQueryShape, type PageKey } from './cursor.ts';
import { cyclesRepository, toCycle } from './cycles.repo.ts';
import { failedCyclesPartition, ordersPartition, timestampSortKeyBounds, type IndexPartition } from './keys.ts';

export type { Order } from '../../domain/order.ts';

/** Which orders: one status, paid (or failed) on a Seoul date between `from` and `to`, inclusive. */
export interface OrderQuery {
  readonly status: OrderStatus;
  readonly from: string;
  readonly to: string;
}

export interface OrderPage {
  /** CHARGED or FAILED cycles, newest first. */
  readonly items: Cycle[];
  readonly nextCursor: string | null;
}

export interface OrdersRepository {
  /** The order of a delivery, once it is charged. */
  get(subscriptionId: string, deliveryDate: string): Promise<Order | undefined>;
  /** A shop's orders, newest first (fulfilment). */
  listByShop(shopId: string, limit: number): Promise<Order[]>;
  /** One page of a shop's CHARGED or FAILED cycles in a date range, newest first; the cursor only continues this query. */
  page(shopId: string, query: OrderQuery, page: { readonly limit: number; readonly cursor?: string | undefined }): Promise<OrderPage>;
  /** Every CHARGED cycle of a range, oldest first, up to `max` + 1 (one more tells the caller the range holds more). */
  allCharged(shopId: string, range: Omit<OrderQuery, 'status'>, max: number): Promise<Cycle[]>;
}

/** The cursor names the query it was made for (status and range), so it cannot continue another one. */
const QUERY_ATTRIBUTE = '#q';

const partitionOf = (shopId: string, status: OrderStatus): IndexPartition => (status === 'CHARGED' ? ordersPartition(shopId) : failedCyclesPartition(shopId));

export function ordersRepository(db: DynamoDBDocumentClient, tableName: string): OrdersRepository {
  const cycles = cyclesRepository(db, tableName);

  const query = (partition: IndexPartition, range: Omit<OrderQuery, 'status'>, newestFirst: boolean, limit: number, startKey: PageKey | undefined) => {
    const { lower, upper } = timestampSortKeyBounds(range.from, range.to);
    return db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: partition.index,
        KeyConditionExpression: '#pk = :pk AND #sk BETWEEN :lower AND :upper',
        ExpressionAttributeNames: { '#pk': partition.attribute, '#sk': partition.sortAttribute },
        ExpressionAttributeValues: { ':pk': partition.value, ':lower': lower, ':upper': upper },
        ScanIndexForward: !newestFirst,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
  };

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

    async page(shopId, orderQuery, page) {
      const partition = partitionOf(shopId, orderQuery.status);
      const fingerprint = createHash('sha256').update(JSON.stringify([partition.value, orderQuery.from, orderQuery.to])).digest('base64url').slice(0, 16);
      const decoded = decodeCursor(page.cursor, indexQueryShape(partition, { [QUERY_ATTRIBUTE]: fingerprint }));
      const { [QUERY_ATTRIBUTE]: _query, ...startKey } = decoded ?? {};
      // One more than asked tells whether another page exists; the cursor is the last item returned.
      const result = await clientStartKeyRefused(decoded !== undefined, () => query(partition, orderQuery, true, page.limit + 1, decoded ? startKey : undefined));
      const entries = result.Items ?? [];
      const taken = entries.slice(0, page.limit);
      const last = taken.at(-1);
      // No filter: every entry read is returned, so a page of `limit + 1` entries says there is more.
      const more = entries.length > page.limit;
      const nextCursor = more && last ? encodeCursor({ pk: last.pk, sk: last.sk, [partition.attribute]: last[partition.attribute], [partition.sortAttribute]: last[partition.sortAttribute], [QUERY_ATTRIBUTE]: fingerprint }) : null;
      return { items: taken.map(toCycle), nextCursor };
    },

    async allCharged(shopId, range, max) {
      const partition = ordersPartition(shopId);
      const found: Cycle[] = [];
      let startKey: PageKey | undefined;
      do {
        const result = await query(partition, range, false, Math.min(1000, max + 1 - found.length), startKey);
        found.push(...(result.Items ?? []).map(toCycle));
        startKey = result.LastEvaluatedKey;
      } while (startKey && found.length <= max);
      return found;
    },
  };
}

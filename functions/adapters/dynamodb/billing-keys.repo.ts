import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BillingKeyRecord } from '../../domain/billing-key.ts';
import { writeIfCondition } from './client.ts';
import { decodeCursor, encodeCursor, indexQueryShape } from './cursor.ts';
import { indexKeys, keys, billingKeysPartition } from './keys.ts';

export interface BillingKeysRepository {
  get(shopId: string, customerId: string, method: BillingKeyRecord['method']): Promise<BillingKeyRecord | undefined>;
  /**
   * Stores the buyer's registration (S10: one per buyer and method) only if the current one still holds
   * `previous` (null: there is none). False when another registration got there first.
   */
  put(record: BillingKeyRecord, previous: string | null): Promise<boolean>;
  /** Forgets the retired key once the PG deleted it; only if the record still holds `billingKey`. */
  clearRetiring(shopId: string, customerId: string, method: BillingKeyRecord['method'], billingKey: string): Promise<void>;
  /** Access pattern 12 (gsi1): one page of a shop's billing keys, for the stop cascade (S22). */
  listByShop(shopId: string, page: { readonly limit: number; readonly cursor?: string | undefined }): Promise<{ items: BillingKeyRecord[]; nextCursor: string | null }>;
  /** Forgets a registration once the PG deleted it; only if it still holds `billingKey` (a newer card stays). */
  delete(shopId: string, customerId: string, method: BillingKeyRecord['method'], billingKey: string): Promise<boolean>;
}

const STORAGE = new Set(['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk']);
const fromItem = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([name]) => !STORAGE.has(name))) as unknown as BillingKeyRecord;

export function billingKeysRepository(db: DynamoDBDocumentClient, tableName: string): BillingKeysRepository {
  return {
    async get(shopId, customerId, method) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.billingKey(shopId, customerId, method), ConsistentRead: true }));
      return Item ? fromItem(Item) : undefined;
    },
    async listByShop(shopId, page) {
      const partition = billingKeysPartition(shopId);
      const { Items = [], LastEvaluatedKey } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: partition.index,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': partition.attribute },
          ExpressionAttributeValues: { ':pk': partition.value },
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(page.cursor, indexQueryShape(partition)),
        }),
      );
      return { items: Items.map(fromItem), nextCursor: encodeCursor(LastEvaluatedKey) };
    },
    async delete(shopId, customerId, method, billingKey) {
      return writeIfCondition(() =>
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.billingKey(shopId, customerId, method),
            ConditionExpression: 'billingKey = :current',
            ExpressionAttributeValues: { ':current': billingKey },
          }),
        ),
      );
    },
    async put(record, previous) {
      return writeIfCondition(() =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.billingKey(record.shopId, record.customerId, record.method),
              type: 'billingKey',
              ...record,
              ...indexKeys.shopBillingKeys(record.shopId, record.customerId, record.method),
            },
            ...(previous === null
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : { ConditionExpression: 'billingKey = :previous', ExpressionAttributeValues: { ':previous': previous } }),
          }),
        ),
      );
    },
    async clearRetiring(shopId, customerId, method, billingKey) {
      // False when another registration replaced the record in between: nothing of ours to clear.
      await writeIfCondition(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.billingKey(shopId, customerId, method),
            UpdateExpression: 'REMOVE retiring',
            ConditionExpression: 'billingKey = :current',
            ExpressionAttributeValues: { ':current': billingKey },
          }),
        ),
      );
    },
  };
}

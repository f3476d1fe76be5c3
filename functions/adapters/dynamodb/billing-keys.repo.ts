import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BillingKeyRecord } from '../../domain/billing-key.ts';
import { isConditionFailed } from './client.ts';
import { indexKeys, keys } from './keys.ts';

export interface BillingKeysRepository {
  get(shopId: string, customerId: string, method: BillingKeyRecord['method']): Promise<BillingKeyRecord | undefined>;
  /** Stores the buyer's registration, replacing any previous one (S10: one per buyer and method). */
  put(record: BillingKeyRecord): Promise<void>;
  /** Forgets the retired key once the PG deleted it; only if the record still holds `billingKey`. */
  clearRetiring(shopId: string, customerId: string, method: BillingKeyRecord['method'], billingKey: string): Promise<void>;
}

const STORAGE = new Set(['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk']);

export function billingKeysRepository(db: DynamoDBDocumentClient, tableName: string): BillingKeysRepository {
  return {
    async get(shopId, customerId, method) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.billingKey(shopId, customerId, method), ConsistentRead: true }));
      return Item ? (Object.fromEntries(Object.entries(Item).filter(([name]) => !STORAGE.has(name))) as unknown as BillingKeyRecord) : undefined;
    },
    async put(record) {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...keys.billingKey(record.shopId, record.customerId, record.method),
            type: 'billingKey',
            ...record,
            ...indexKeys.shopBillingKeys(record.shopId, record.customerId, record.method),
          },
        }),
      );
    },
    async clearRetiring(shopId, customerId, method, billingKey) {
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.billingKey(shopId, customerId, method),
            UpdateExpression: 'REMOVE retiring',
            ConditionExpression: 'billingKey = :current',
            ExpressionAttributeValues: { ':current': billingKey },
          }),
        );
      } catch (error) {
        if (!isConditionFailed(error)) throw error;
      }
    },
  };
}

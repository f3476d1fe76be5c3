import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { RecordedConsent } from '../../domain/price-change.ts';
import { keys, sortKeyPrefixes } from './keys.ts';

export interface PriceConsentsRepository {
  /** Records (or replaces: the latest answer counts) a subscriber's answer to one price change. */
  record(subscriptionId: string, consent: RecordedConsent): Promise<void>;
  /** Every answer of a subscription, by change id: what unitPriceFor needs as `consents` (part B's notice). */
  consentsOf(subscriptionId: string): Promise<RecordedConsent[]>;
}

export function priceConsentsRepository(db: DynamoDBDocumentClient, tableName: string): PriceConsentsRepository {
  return {
    async record(subscriptionId, consent) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.priceConsent(subscriptionId, consent.changeId), type: 'priceConsent', subscriptionId, ...consent } }));
    },
    async consentsOf(subscriptionId) {
      const consents: RecordedConsent[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': keys.subscription(subscriptionId).pk, ':prefix': sortKeyPrefixes.priceConsents },
            ConsistentRead: true,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) consents.push({ changeId: item.changeId as string, accept: item.accept as boolean, at: item.at as string, by: item.by as string });
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return consents;
    },
  };
}

import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { duePartitions, type DueKind, type ItemKey } from './keys.ts';

export interface DueWorkRepository {
  /**
   * Pages every shard of one day's due work of one kind and yields the keys
   * of the items due. The index is sparse: an item leaves it when its step is
   * done, so a rerun sees only what is still left.
   */
  findDue(kind: DueKind, date: string): AsyncGenerator<ItemKey>;
}

export function dueWorkRepository(db: DynamoDBDocumentClient, tableName: string, pageSize = 500): DueWorkRepository {
  return {
    async *findDue(kind, date) {
      for (const partition of duePartitions(kind, date)) {
        let startKey: Record<string, unknown> | undefined;
        do {
          const page = await db.send(
            new QueryCommand({
              TableName: tableName,
              IndexName: 'due',
              KeyConditionExpression: 'duepk = :pk',
              ExpressionAttributeValues: { ':pk': partition },
              Limit: pageSize,
              ExclusiveStartKey: startKey,
            }),
          );
          for (const item of page.Items ?? []) yield { pk: String(item.pk), sk: String(item.sk) };
          startKey = page.LastEvaluatedKey;
        } while (startKey);
      }
    },
  };
}

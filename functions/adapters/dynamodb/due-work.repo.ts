import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DUE_SHARDS } from '../../../system/table.ts';
import { duePartition, type DueKind, type ItemKey } from './keys.ts';

export interface DueWorkRepository {
  /** How many shards one day's due work is spread over: readers query `0..shards-1`. */
  readonly shards: number;
  /**
   * Pages one shard of one day's due work of one kind and yields the keys of
   * the items due. The index is sparse: an item leaves it when its step is
   * done, so a rerun sees only what is still left.
   */
  findDueInShard(kind: DueKind, date: string, shard: number): AsyncGenerator<ItemKey>;
  /** Every shard, one after another (the dispatcher queries them in parallel instead). */
  findDue(kind: DueKind, date: string): AsyncGenerator<ItemKey>;
}

export function dueWorkRepository(db: DynamoDBDocumentClient, tableName: string, pageSize = 1000): DueWorkRepository {
  const repository: DueWorkRepository = {
    shards: DUE_SHARDS,
    async *findDueInShard(kind, date, shard) {
      let startKey: Record<string, unknown> | undefined;
      do {
        // Keys only (the index projects nothing else): a 1 MB page holds thousands, so Limit decides the page.
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'due',
            KeyConditionExpression: 'duepk = :pk',
            ExpressionAttributeValues: { ':pk': duePartition(kind, date, shard) },
            Limit: pageSize,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) yield { pk: String(item.pk), sk: String(item.sk) };
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    },
    async *findDue(kind, date) {
      for (let shard = 0; shard < DUE_SHARDS; shard += 1) yield* repository.findDueInShard(kind, date, shard);
    },
  };
  return repository;
}

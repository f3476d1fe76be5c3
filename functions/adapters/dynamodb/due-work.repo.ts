import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DUE_SHARDS } from '../../../system/table.ts';
import { dueEntryOf, duePartition, dueUpTo, type DueKind } from './keys.ts';
import { logger } from '../../core/logger.ts';

/** One piece of due work, as the index lists it: a cycle of a shop, due on a date. */
export interface DueEntry {
  readonly date: string;
  readonly shopId: string;
  readonly subscriptionId: string;
  readonly deliveryDate: string;
}

export interface DueWorkRepository {
  /** How many shards each kind of due work is spread over: readers query `0..shards-1`. */
  readonly shards: number;
  /**
   * Pages one shard of one kind of due work and yields everything due on
   * `upTo` or earlier, oldest first: a run takes its own day and every day
   * before it that still has work (catch-up). The index is sparse: an item
   * leaves it when its step is done, so a rerun sees only what is left.
   */
  findDueInShard(kind: DueKind, upTo: string, shard: number): AsyncGenerator<DueEntry>;
  /** Every shard, one after another (the dispatcher queries them side by side instead). */
  findDue(kind: DueKind, upTo: string): AsyncGenerator<DueEntry>;
}

export function dueWorkRepository(db: DynamoDBDocumentClient, tableName: string, pageSize = 1000): DueWorkRepository {
  const repository: DueWorkRepository = {
    shards: DUE_SHARDS,
    async *findDueInShard(kind, upTo, shard) {
      let startKey: Record<string, unknown> | undefined;
      do {
        // Keys only (the index projects nothing else): a 1 MB page holds thousands, so Limit decides the page.
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'due',
            KeyConditionExpression: 'duepk = :pk AND duesk <= :upTo',
            ExpressionAttributeValues: { ':pk': duePartition(kind, shard), ':upTo': dueUpTo(upTo) },
            Limit: pageSize,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const entry = dueEntryOf(item as { pk: string; sk: string; duesk: string });
          if (entry) yield entry;
          else logger.warn('A due-index entry that is not a cycle; ignored', { pk: item.pk, sk: item.sk });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    },
    async *findDue(kind, upTo) {
      for (let shard = 0; shard < DUE_SHARDS; shard += 1) yield* repository.findDueInShard(kind, upTo, shard);
    },
  };
  return repository;
}

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

/**
 * The entries the due index lists under one partition, sorted by `duesk`, page by page: up to and with `through`, or
 * before `before`. Keys only (the index projects nothing else): a 1 MB page holds thousands, so `pageSize` decides
 * the page. The one home of paging the due index: the dispatchers' due work and the credit sweep's listings.
 */
export async function* dueIndexEntries(
  db: DynamoDBDocumentClient,
  tableName: string,
  range: { readonly partition: string; readonly pageSize?: number } & ({ readonly through: string } | { readonly before: string }),
): AsyncGenerator<{ pk: string; sk: string; duesk: string }> {
  const [condition, bound] = 'through' in range ? ['duepk = :pk AND duesk <= :bound', range.through] : ['duepk = :pk AND duesk < :bound', range.before];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'due',
        KeyConditionExpression: condition,
        ExpressionAttributeValues: { ':pk': range.partition, ':bound': bound },
        ...(range.pageSize !== undefined ? { Limit: range.pageSize } : {}),
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) yield { pk: String(item.pk), sk: String(item.sk), duesk: String(item.duesk) };
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

export function dueWorkRepository(db: DynamoDBDocumentClient, tableName: string, pageSize = 1000): DueWorkRepository {
  const repository: DueWorkRepository = {
    shards: DUE_SHARDS,
    async *findDueInShard(kind, upTo, shard) {
      for await (const item of dueIndexEntries(db, tableName, { partition: duePartition(kind, shard), through: dueUpTo(upTo), pageSize })) {
        const entry = dueEntryOf(item);
        if (entry) yield entry;
        else logger.warn('A due-index entry that is not a cycle; ignored', { pk: item.pk, sk: item.sk });
      }
    },
    async *findDue(kind, upTo) {
      for (let shard = 0; shard < DUE_SHARDS; shard += 1) yield* repository.findDueInShard(kind, upTo, shard);
    },
  };
  return repository;
}

/**
 * A shop's subscriptions listed (S20) and counted (S6's recount): the list-query planner's side of the
 * subscription repository (subscriptions.repo.ts has the records). Served from the most selective index for the
 * filter (subscriptions-list.plan.ts); a line-item index hit is resolved to its `SUB` item, and one without it is
 * a create that has not finished, so not listed.
 */
import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { matchesFilter, type Subscription, type SubscriptionFilter } from '../../domain/subscription.ts';
import { clientStartKeyRefused, decodeCursor, encodeCursor, indexQueryShape, type PageKey } from './cursor.ts';
import { keys, partitionQuery, subscriptionPartitions } from './keys.ts';
import { planList, QUERY_ATTRIBUTE, queryExpressions, queryFingerprint } from './subscriptions-list.plan.ts';
import { withoutStorage } from './subscriptions.repo.ts';

export interface SubscriptionPage {
  readonly items: Subscription[];
  readonly nextCursor: string | null;
}

export interface SubscriptionListing {
  /**
   * A shop's subscriptions (S20), served from the most selective index for the
   * filter; see `planList` for the order. At most `limit` items per page.
   */
  listByShop(shopId: string, filter: SubscriptionFilter, page: { readonly limit: number; readonly cursor?: string | undefined }): Promise<SubscriptionPage>;
  /** How many of a shop's subscriptions are in a status (gsi3, counted by DynamoDB: S6's recount, issue 13). */
  countByStatus(shopId: string, status: Subscription['status']): Promise<number>;
}

export interface SubscriptionsRepositoryOptions {
  /** Index entries one Query reads when filters may drop some (DynamoDB's `Limit` counts entries before filtering). */
  readonly filteredPageSize?: number;
  /**
   * Index entries one list call may read before it answers with what it found
   * and a cursor: bounds a request's time and cost when a filter matches little.
   */
  readonly maxEntriesPerCall?: number;
}

export function subscriptionListing(db: DynamoDBDocumentClient, tableName: string, options: SubscriptionsRepositoryOptions = {}): SubscriptionListing {
  const filteredPageSize = options.filteredPageSize ?? 100;
  const maxEntriesPerCall = options.maxEntriesPerCall ?? 1000;

  /** Reads subscriptions by id (BatchGetItem, 100 keys a call, unprocessed keys retried). */
  const getMany = async (ids: readonly string[]): Promise<Map<string, Subscription>> => {
    const found = new Map<string, Subscription>();
    const unique = [...new Set(ids)];
    for (let start = 0; start < unique.length; start += 100) {
      let requested: Record<string, unknown>[] = unique.slice(start, start + 100).map((id) => keys.subscription(id) as unknown as Record<string, unknown>);
      for (let attempt = 0; requested.length > 0; attempt += 1) {
        if (attempt > 0) {
          if (attempt > 8) throw new Error('BatchGetItem left keys unprocessed after 8 retries');
          await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 10));
        }
        const result = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: requested } } }));
        for (const item of result.Responses?.[tableName] ?? []) {
          const subscription = withoutStorage<Subscription>(item);
          found.set(subscription.id, subscription);
        }
        requested = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    }
    return found;
  };

  return {
    async countByStatus(shopId, status) {
      let count = 0;
      let startKey: PageKey | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            ...partitionQuery(subscriptionPartitions.byStatus(shopId, status)),
            Select: 'COUNT',
            ExclusiveStartKey: startKey,
          }),
        );
        count += page.Count ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return count;
    },

    async listByShop(shopId, filter, page) {
      const limit = Math.max(1, Math.floor(page.limit));
      const plan = planList(shopId, filter);
      const { partition } = plan;
      const expressions = queryExpressions(shopId, plan);
      const filtered = Object.values(plan.rest).some((value) => value !== undefined);
      const fingerprint = queryFingerprint(plan, filter);
      const cursorOf = (key: PageKey): string => encodeCursor({ ...key, [QUERY_ATTRIBUTE]: fingerprint }) as string;
      const entryKey = (entry: Record<string, unknown>): PageKey => ({
        pk: entry.pk,
        sk: entry.sk,
        [partition.attribute]: entry[partition.attribute],
        [partition.sortAttribute]: entry[partition.sortAttribute],
      });

      let startKey: PageKey | undefined;
      if (page.cursor !== undefined) {
        const { [QUERY_ATTRIBUTE]: _query, ...key } = decodeCursor(page.cursor, indexQueryShape(partition, { [QUERY_ATTRIBUTE]: fingerprint })) as PageKey;
        startKey = key;
      }

      const items: Subscription[] = [];
      let read = 0;
      let fromClient = startKey !== undefined;
      for (;;) {
        const remaining = limit - items.length;
        const input: QueryCommandInput = {
          TableName: tableName,
          IndexName: partition.index,
          ...expressions,
          ScanIndexForward: !plan.newestFirst,
          // One more than needed tells whether another page exists; a filtered query reads wider pages.
          Limit: filtered ? Math.max(remaining + 1, filteredPageSize) : remaining + 1,
          ExclusiveStartKey: startKey,
        };
        // A crafted cursor can pass the shape check and still not be a valid start key (outside a date range).
        const result: QueryCommandOutput = await clientStartKeyRefused(fromClient, () => db.send(new QueryCommand(input)));
        fromClient = false;
        const entries = result.Items ?? [];
        read += result.ScannedCount ?? entries.length;

        let candidates: Array<{ entry: Record<string, unknown>; subscription: Subscription }>;
        if (plan.lineItems) {
          const found = await getMany(entries.map((entry) => String(entry.subscriptionId)));
          candidates = entries.flatMap((entry) => {
            const subscription = found.get(String(entry.subscriptionId));
            // A line item without its SUB item is a create that has not finished: not a subscription yet.
            return subscription ? [{ entry, subscription }] : [];
          });
        } else {
          candidates = entries.map((entry) => ({ entry, subscription: withoutStorage<Subscription>(entry) }));
        }
        // The same rule in memory for every index: decisive for line items, a no-op where DynamoDB filtered.
        const matches = candidates.filter(({ subscription }) => subscription.shopId === shopId && matchesFilter(subscription, filter));

        if (matches.length >= remaining) {
          const taken = matches.slice(0, remaining);
          items.push(...taken.map(({ subscription }) => subscription));
          const more = matches.length > remaining || result.LastEvaluatedKey !== undefined;
          const last = taken[taken.length - 1];
          // Resume right after the last item returned, not after the last one read, so nothing is skipped.
          return { items, nextCursor: more && last ? cursorOf(entryKey(last.entry)) : null };
        }
        items.push(...matches.map(({ subscription }) => subscription));
        if (!result.LastEvaluatedKey) return { items, nextCursor: null };
        startKey = result.LastEvaluatedKey;
        // Everything up to the last evaluated key has been read and every match returned: resuming there skips nothing.
        if (read >= maxEntriesPerCall) return { items, nextCursor: cursorOf(startKey) };
      }
    },
  };
}

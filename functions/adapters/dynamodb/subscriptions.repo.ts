/**
 * Subscriptions, their line items and their cycles (docs/data-model.md,
 * entities and access patterns 5–10).
 *
 * The subscription item (`SUB`) is the one source of truth. Line items
 * (`ITEM#{productId}`) are immutable pointers that put a subscription into the
 * by-product index; readers resolve them to their `SUB` item and ignore a line
 * item whose `SUB` item does not exist (yet). That is what makes `create` safe
 * without transactions (dynalite has none): line items first, `SUB` last, each
 * write conditional on absence, so a crash between writes is repaired by
 * running `create` again and a rerun changes nothing. Contact pointers
 * (`CONTACT#EMAIL`, `CONTACT#PHONE`, issue 13) are written the same way and
 * put the subscription into the by-email and by-phone partitions of gsi4 (the
 * merchant's exact search); the contact is fixed at signup, and a reader checks
 * the pointer against the `SUB` item's contact anyway (`matchesFilter`).
 */
import {
  BatchGetCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
  type QueryCommandOutput,
} from '@aws-sdk/lib-dynamodb';
import { expiryMonth } from '../../domain/card-expiry.ts';
import type { Cycle } from '../../domain/cycle.ts';
import { contactKeys, matchesFilter, type Subscription, type SubscriptionFilter, type SubscriptionWithCycles } from '../../domain/subscription.ts';
import { toCycle } from './cycles.repo.ts';
import { writeIfCondition } from './client.ts';
import { clientStartKeyRefused, decodeCursor, encodeCursor, indexQueryShape, type PageKey } from './cursor.ts';
import { indexKeys, keys, partitionQuery, sortKeyPrefixes, subscriptionPartitions } from './keys.ts';
import { planList, QUERY_ATTRIBUTE, queryExpressions, queryFingerprint } from './subscriptions-list.plan.ts';

export interface SubscriptionPage {
  readonly items: Subscription[];
  readonly nextCursor: string | null;
}

export interface SubscriptionsRepository {
  /**
   * Stores a new subscription with its line items. True when this call created
   * it; false when it already existed (a rerun), in which case nothing changes.
   * Safe to run again after a crash at any point.
   */
  create(subscription: Subscription, options?: { readonly expiresAt?: number }): Promise<boolean>;
  /**
   * Writes the subscription's new state with its index attributes, only if it is
   * still at `expectedVersion` (a state computed from a stale read never lands).
   */
  update(next: Subscription, expectedVersion: number): Promise<boolean>;
  /**
   * Issue 13: the line items (by-product index pointers) of products a change adds, written before the `SUB`
   * update that lists them; an existing pointer stays as it is (pointers never change).
   */
  addLineItems(subscription: Subscription, productIds: readonly string[]): Promise<void>;
  /** Strongly consistent: what a worker re-reads before acting on an index hit. */
  get(subscriptionId: string): Promise<Subscription | undefined>;
  /** The subscription and its cycles, oldest first, from one query on its partition. */
  getWithCycles(subscriptionId: string): Promise<SubscriptionWithCycles | undefined>;
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

/** Every attribute the index derivation may set; what it does not set, an update removes. */
export const SUBSCRIPTION_INDEX_ATTRIBUTES = [
  'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk', 'gsi5pk', 'gsi5sk', 'duepk', 'duesk', 'productIds',
] as const;

export interface DerivedAttributes {
  readonly set: Record<string, string | string[]>;
  /** Index attributes this state must not carry (for an `UpdateItem … REMOVE`). */
  readonly remove: string[];
}

/**
 * The one place that decides which indexes a subscription is in, from its
 * state alone. `create` writes its `set`; every later state change (checkout,
 * a run advancing the dates, a cancel) must write `set` and remove `remove` in
 * the same conditional update, so the indexes never disagree with the item.
 *
 * - gsi1 (shop, newest first), gsi2 (customer), gsi3 (status): always.
 * - gsi4 (card expiry, issue 14): while ACTIVE with a card whose expiry month is known. A card
 *   replacement rewrites every subscription of the buyer (check-out.ts), so the entry follows the card.
 * - gsi5 (next delivery): while there is a next delivery date.
 * - not the due index: its next delivery's SCHEDULED cycle is what the notice
 *   run finds (functions/domain/cycle.ts); `duepk`/`duesk` are in the remove
 *   list so that an update drops an entry written by an earlier version.
 * - productIds: not an index, the filter attribute for product within the
 *   customer and status indexes (a list of line items cannot be filtered on).
 */
export function subscriptionIndexAttributes(subscription: Subscription): DerivedAttributes {
  const { id, shopId, customerId, status, createdAt, nextDeliveryDate } = subscription;
  const set: Record<string, string | string[]> = {
    ...indexKeys.shopSubscriptions(shopId, createdAt, id),
    ...indexKeys.customerSubscriptions(shopId, customerId, createdAt, id),
    ...indexKeys.subscriptionsByStatus(shopId, status, createdAt, id),
    ...(status === 'ACTIVE' && subscription.card?.expiry ? indexKeys.subscriptionsByCardExpiry(shopId, expiryMonth(subscription.card.expiry), id) : {}),
    ...(nextDeliveryDate !== null ? indexKeys.subscriptionsByNextDelivery(shopId, nextDeliveryDate, id) : {}),
    productIds: productIdsOf(subscription),
  };
  return { set, remove: SUBSCRIPTION_INDEX_ATTRIBUTES.filter((name) => !(name in set)) };
}

const productIdsOf = (subscription: Subscription) => [...new Set(subscription.items.map((item) => item.productId))];

/** Attributes of the stored items that are not part of the domain objects. */
const STORAGE_ATTRIBUTES = new Set<string>(['pk', 'sk', 'type', 'expiresAt', ...SUBSCRIPTION_INDEX_ATTRIBUTES]);

function withoutStorage<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !STORAGE_ATTRIBUTES.has(name))) as T;
}

export function subscriptionsRepository(db: DynamoDBDocumentClient, tableName: string, options: SubscriptionsRepositoryOptions = {}): SubscriptionsRepository {
  const filteredPageSize = options.filteredPageSize ?? 100;
  const maxEntriesPerCall = options.maxEntriesPerCall ?? 1000;

  const putIfAbsent = async (item: Record<string, unknown>): Promise<boolean> => {
    return writeIfCondition(() =>
      db.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
  };

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

  const addLineItems = async (subscription: Subscription, productIds: readonly string[]): Promise<void> => {
    await Promise.all(
      [...new Set(productIds)].map((productId) =>
        putIfAbsent({
          ...keys.subscriptionItem(subscription.id, productId),
          type: 'subscriptionItem',
          subscriptionId: subscription.id,
          shopId: subscription.shopId,
          productId,
          ...indexKeys.subscriptionsByProduct(subscription.shopId, productId, subscription.createdAt, subscription.id),
        }),
      ),
    );
  };

  return {
    async create(subscription, createOptions = {}) {
      // Line items first: until the SUB item exists, readers ignore them.
      await addLineItems(subscription, productIdsOf(subscription));
      // Issue 13: the contact pointers (the merchant's search by email or phone), the same way: keys only, SUB last.
      await Promise.all(
        contactKeys(subscription).map(({ kind, value }) =>
          putIfAbsent({
            ...keys.subscriptionContact(subscription.id, kind),
            type: 'subscriptionContact',
            subscriptionId: subscription.id,
            shopId: subscription.shopId,
            ...indexKeys.subscriptionsByContact(subscription.shopId, kind, value, subscription.createdAt, subscription.id),
          }),
        ),
      );
      // The SUB item last, in one write with all its index attributes: it is what makes the subscription exist.
      return putIfAbsent({
        ...keys.subscription(subscription.id),
        type: 'subscription',
        ...subscription,
        ...subscriptionIndexAttributes(subscription).set,
        ...(createOptions.expiresAt !== undefined ? { expiresAt: createOptions.expiresAt } : {}),
      });
    },

    addLineItems,

    async update(next, expectedVersion) {
      // A whole-item put: attributes the new state must not carry (an index it left, the pending TTL) disappear with it.
      return writeIfCondition(() =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.subscription(next.id), type: 'subscription', ...next, version: expectedVersion + 1, ...subscriptionIndexAttributes(next).set },
            ConditionExpression: expectedVersion === 0 ? 'attribute_exists(pk) AND attribute_not_exists(version)' : 'version = :expected',
            ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
          }),
        ),
      );
    },

    async get(subscriptionId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.subscription(subscriptionId), ConsistentRead: true }));
      return Item ? withoutStorage<Subscription>(Item) : undefined;
    },

    async getWithCycles(subscriptionId) {
      const { pk, sk } = keys.subscription(subscriptionId);
      let subscription: Subscription | undefined;
      const cycles: Cycle[] = [];
      let startKey: PageKey | undefined;
      do {
        // Line items, notifications and orders share the partition; the filter (on the
        // entity type: key attributes cannot be filtered on) keeps them off the wire.
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk',
            FilterExpression: '#type IN (:subscription, :cycle)',
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: { ':pk': pk, ':subscription': 'subscription', ':cycle': 'cycle' },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          if (item.sk === sk) subscription = withoutStorage<Subscription>(item);
          // CYCLE#{deliveryDate} sorts oldest first.
          else if (String(item.sk).startsWith(sortKeyPrefixes.cycles)) cycles.push(toCycle(item));
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return subscription ? { ...subscription, cycles } : undefined;
    },

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

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
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiryMonth } from '../../domain/card-expiry.ts';
import type { Cycle } from '../../domain/cycle.ts';
import { contactKeys, type Subscription, type SubscriptionWithCycles } from '../../domain/subscription.ts';
import { toCycle } from './cycles.repo.ts';
import { writeIfCondition } from './client.ts';
import type { PageKey } from './cursor.ts';
import { indexKeys, keys, sortKeyPrefixes } from './keys.ts';
import { subscriptionListing, type SubscriptionListing, type SubscriptionsRepositoryOptions } from './subscriptions-list.repo.ts';

export type { SubscriptionListing, SubscriptionPage, SubscriptionsRepositoryOptions } from './subscriptions-list.repo.ts';

/** One subscription at a time: what the workers use (subscriptions-list.repo.ts lists them). */
export interface SubscriptionRecords {
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
}

/** Both: a subscription's records and the shop's listings. */
export interface SubscriptionsRepository extends SubscriptionRecords, SubscriptionListing {}

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

export function withoutStorage<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !STORAGE_ATTRIBUTES.has(name))) as T;
}

/**
 * A shop's subscriptions, read and written one at a time and listed (subscriptions-list.repo.ts). A function that
 * never lists (the charge and notice workers) builds `subscriptionRecords` alone and bundles no list planner.
 */
export function subscriptionsRepository(db: DynamoDBDocumentClient, tableName: string, options: SubscriptionsRepositoryOptions = {}): SubscriptionsRepository {
  return { ...subscriptionRecords(db, tableName), ...subscriptionListing(db, tableName, options) };
}

/** Create, update, get: one subscription at a time. */
export function subscriptionRecords(db: DynamoDBDocumentClient, tableName: string): SubscriptionRecords {
  const putIfAbsent = async (item: Record<string, unknown>): Promise<boolean> => {
    return writeIfCondition(() =>
      db.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
    );
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
  };
}

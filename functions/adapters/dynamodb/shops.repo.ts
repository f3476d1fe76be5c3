import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_DELIVERY_CALENDAR } from '../../domain/delivery-calendar.ts';
import { DEFAULT_START_DATE_WINDOW, type Shop } from '../../domain/shop.ts';
import { isConditionFailed, writeIfCondition } from './client.ts';
import { indexKeys, keys, partitionQuery, shopsPartition } from './keys.ts';

/** The parts of a shop a merchant's or the platform's action may change (counters change elsewhere, by ADD). */
export type ShopChanges = Partial<Pick<Shop, 'service' | 'startDateWindow' | 'deliveryCalendar'>>;

/**
 * What the daily runs and the cycle workers call (notice, charge, retry, resolve): the shop, read consistently,
 * and S6's counter. Their bundles carry this part only; the merchant's and the platform's writes are
 * `ShopAdministration` (the two compose `ShopsRepository`).
 */
export interface ShopRecords {
  /** Strongly consistent: a transition must start from the latest state. */
  get(shopId: string): Promise<Shop | undefined>;
  /**
   * Adds `delta` to the active-subscription count (S6) once per `operationId`
   * (e.g. `activate#{subscriptionId}`): the shop item remembers recent
   * operation ids, so a retried activation or cancel does not count twice.
   */
  countActiveSubscriptions(shopId: string, delta: number, operationId: string, at: Date): Promise<void>;
}

/** The shop's creation and changes, S6's recount, the shop directory and the health probe. */
export interface ShopAdministration {
  /** Creates the shop; false when a shop with this id already exists. */
  create(shop: Shop): Promise<boolean>;
  /** Applies the changes if the shop is still at `expectedVersion`; false when someone wrote in between. */
  update(shopId: string, expectedVersion: number, changes: ShopChanges): Promise<boolean>;
  /**
   * S6 converges (issue 13): sets the count to what a recount found, only if it still holds `expected` (the
   * value read before the recount) — an activation or cancel counted meanwhile wins, and the next recount decides.
   */
  setActiveSubscriptions(shopId: string, count: number, expected: number): Promise<boolean>;
  /** Every shop's id, a page at a time (gsi1 `SHOPS`; issue 13, the maintenance run). */
  listShopIds(cursor?: Record<string, unknown>): Promise<{ readonly shopIds: string[]; readonly next?: Record<string, unknown> }>;
  /** Reads a key that never exists: proves the table answers (health check). */
  ping(): Promise<void>;
}

/** Both parts: what the merchant-facing functions build. */
export interface ShopsRepository extends ShopRecords, ShopAdministration {}

/**
 * How long an operation id is remembered. It only has to outlive a duplicate of
 * the same operation running at the same time (a repeated checkout or cancel
 * finds the subscription already changed and does not count), and a Lambda lives
 * ≤ 15 min: an hour is ample, and keeps the shop item small — every entry costs
 * write capacity on each write of the shop item until it is pruned.
 */
const COUNTER_MEMORY_SECONDS = 60 * 60;

interface ShopItem extends Shop {
  readonly pk: string;
  readonly sk: string;
  readonly gsi1pk?: string;
  readonly gsi1sk?: string;
  readonly type: 'shop';
}

/** Items written before a field existed get its default, so readers never see a partial shop. */
function fromItem(item: Record<string, unknown>): Shop {
  const { pk: _pk, sk: _sk, type: _type, counterOps: _ops, gsi1pk: _dpk, gsi1sk: _dsk, ...shop } = item as unknown as ShopItem & { counterOps?: unknown; gsi1pk?: unknown; gsi1sk?: unknown };
  return { ...shop, startDateWindow: shop.startDateWindow ?? DEFAULT_START_DATE_WINDOW, deliveryCalendar: shop.deliveryCalendar ?? DEFAULT_DELIVERY_CALENDAR, activeSubscriptions: shop.activeSubscriptions ?? 0, version: shop.version ?? 0 };
}

/** All of it: the shop's records and its administration. */
export function shopsRepository(db: DynamoDBDocumentClient, tableName: string): ShopsRepository {
  return { ...shopRecords(db, tableName), ...shopAdministration(db, tableName) };
}

/** The shop, read consistently, and S6's counter: what the daily runs and the cycle workers build. */
export function shopRecords(db: DynamoDBDocumentClient, tableName: string): ShopRecords {
  /** Drops remembered operation ids older than a day, so the shop item stays small. */
  const pruneCounterOps = async (shopId: string, now: number) => {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.shop(shopId), ProjectionExpression: 'counterOps' }));
    const old = Object.entries((Item?.counterOps ?? {}) as Record<string, number>).filter(([, at]) => at < now - COUNTER_MEMORY_SECONDS).map(([op]) => op);
    if (old.length === 0) return;
    const names = Object.fromEntries(old.slice(0, 100).map((op, i) => [`#o${i}`, op]));
    await db.send(
      new UpdateCommand({ TableName: tableName, Key: keys.shop(shopId), UpdateExpression: `REMOVE ${Object.keys(names).map((name) => `counterOps.${name}`).join(', ')}`, ExpressionAttributeNames: names }),
    );
  };

  async function countActiveSubscriptions(shopId: string, delta: number, operationId: string, at: Date): Promise<void> {
    const now = Math.floor(at.getTime() / 1000);
    const attempt = async (update: Omit<UpdateCommandInput, 'TableName' | 'Key'>) => {
      try {
        await db.send(new UpdateCommand({ TableName: tableName, Key: keys.shop(shopId), ...update }));
        return 'applied';
      } catch (error) {
        if (isConditionFailed(error)) return 'refused';
        // The map does not exist yet (a shop that never counted): a nested path cannot be set.
        if (error instanceof Error && error.name === 'ValidationException') return 'no-map';
        throw error;
      }
    };
    const nested = await attempt({
      UpdateExpression: 'ADD activeSubscriptions :delta SET counterOps.#op = :now',
      ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(counterOps.#op)',
      ExpressionAttributeNames: { '#op': operationId },
      ExpressionAttributeValues: { ':delta': delta, ':now': now },
    });
    if (nested === 'no-map') {
      const created = await attempt({
        UpdateExpression: 'ADD activeSubscriptions :delta SET counterOps = :ops',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(counterOps)',
        ExpressionAttributeValues: { ':delta': delta, ':ops': { [operationId]: now } },
      });
      // Someone created the map in between: count through it (its condition keeps this once).
      if (created === 'refused') await countActiveSubscriptions(shopId, delta, operationId, at);
      return;
    }
    if (nested === 'applied') await pruneCounterOps(shopId, now);
  }

  return {
    async get(shopId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.shop(shopId), ConsistentRead: true }));
      return Item ? fromItem(Item) : undefined;
    },
    countActiveSubscriptions,
  };
}

/** Creation, changes, S6's recount, the shop directory, the health probe. */
export function shopAdministration(db: DynamoDBDocumentClient, tableName: string): ShopAdministration {
  return {
    async create(shop) {
      const item: ShopItem = { ...keys.shop(shop.shopId), type: 'shop', ...shop, ...indexKeys.shopDirectory(shop.shopId) };
      return writeIfCondition(() =>
        db.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' })),
      );
    },
    async update(shopId, expectedVersion, changes) {
      // Every change also (re)lists the shop in the shop directory: shops created before it existed join it.
      const directory = indexKeys.shopDirectory(shopId);
      const names: Record<string, string> = { '#version': 'version', '#dpk': 'gsi1pk', '#dsk': 'gsi1sk' };
      const values: Record<string, unknown> = { ':expected': expectedVersion, ':next': expectedVersion + 1, ':dpk': directory.gsi1pk, ':dsk': directory.gsi1sk };
      const sets = ['#version = :next', '#dpk = :dpk', '#dsk = :dsk'];
      for (const [field, value] of Object.entries(changes)) {
        if (value === undefined) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
      return writeIfCondition(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.shop(shopId),
            UpdateExpression: `SET ${sets.join(', ')}`,
            // A shop item without a version (never updated) counts as version 0.
            ConditionExpression: expectedVersion === 0 ? 'attribute_exists(pk) AND (attribute_not_exists(#version) OR #version = :expected)' : '#version = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        ),
      );
    },
    async setActiveSubscriptions(shopId, count, expected) {
      return writeIfCondition(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.shop(shopId),
            UpdateExpression: 'SET activeSubscriptions = :count',
            ConditionExpression: expected === 0 ? 'attribute_exists(pk) AND (attribute_not_exists(activeSubscriptions) OR activeSubscriptions = :expected)' : 'activeSubscriptions = :expected',
            ExpressionAttributeValues: { ':count': count, ':expected': expected },
          }),
        ),
      );
    },
    async listShopIds(cursor) {
      const page = await db.send(
        new QueryCommand({
          TableName: tableName,
          ...partitionQuery(shopsPartition()),
          ProjectionExpression: 'shopId',
          Limit: 100,
          ExclusiveStartKey: cursor,
        }),
      );
      return { shopIds: (page.Items ?? []).map((item) => String(item.shopId)), ...(page.LastEvaluatedKey ? { next: page.LastEvaluatedKey } : {}) };
    },
    async ping() {
      await db.send(new GetCommand({ TableName: tableName, Key: keys.healthProbe() }));
    },
  };
}

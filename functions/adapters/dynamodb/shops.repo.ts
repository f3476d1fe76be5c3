import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_START_DATE_WINDOW, type Shop } from '../../domain/shop.ts';
import { isConditionFailed } from './client.ts';
import { keys } from './keys.ts';

/** The parts of a shop a merchant's or the platform's action may change (counters change elsewhere, by ADD). */
export type ShopChanges = Partial<Pick<Shop, 'service' | 'startDateWindow'>>;

export interface ShopsRepository {
  /** Creates the shop; false when a shop with this id already exists. */
  create(shop: Shop): Promise<boolean>;
  /** Strongly consistent: a transition must start from the latest state. */
  get(shopId: string): Promise<Shop | undefined>;
  /** Applies the changes if the shop is still at `expectedVersion`; false when someone wrote in between. */
  update(shopId: string, expectedVersion: number, changes: ShopChanges): Promise<boolean>;
  /** Reads a key that never exists: proves the table answers (health check). */
  ping(): Promise<void>;
}

interface ShopItem extends Shop {
  readonly pk: string;
  readonly sk: string;
  readonly type: 'shop';
}

/** Items written before a field existed get its default, so readers never see a partial shop. */
function fromItem(item: Record<string, unknown>): Shop {
  const { pk: _pk, sk: _sk, type: _type, ...shop } = item as unknown as ShopItem;
  return { ...shop, startDateWindow: shop.startDateWindow ?? DEFAULT_START_DATE_WINDOW, activeSubscriptions: shop.activeSubscriptions ?? 0, version: shop.version ?? 0 };
}

export function shopsRepository(db: DynamoDBDocumentClient, tableName: string): ShopsRepository {
  return {
    async create(shop) {
      const item: ShopItem = { ...keys.shop(shop.shopId), type: 'shop', ...shop };
      try {
        await db.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },
    async get(shopId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.shop(shopId), ConsistentRead: true }));
      return Item ? fromItem(Item) : undefined;
    },
    async update(shopId, expectedVersion, changes) {
      const names: Record<string, string> = { '#version': 'version' };
      const values: Record<string, unknown> = { ':expected': expectedVersion, ':next': expectedVersion + 1 };
      const sets = ['#version = :next'];
      for (const [field, value] of Object.entries(changes)) {
        if (value === undefined) continue;
        names[`#${field}`] = field;
        values[`:${field}`] = value;
        sets.push(`#${field} = :${field}`);
      }
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.shop(shopId),
            UpdateExpression: `SET ${sets.join(', ')}`,
            // A shop item without a version (never updated) counts as version 0.
            ConditionExpression: expectedVersion === 0 ? 'attribute_exists(pk) AND (attribute_not_exists(#version) OR #version = :expected)' : '#version = :expected',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailed(error)) return false;
        throw error;
      }
    },
    async ping() {
      await db.send(new GetCommand({ TableName: tableName, Key: keys.healthProbe() }));
    },
  };
}

import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Shop } from '../../domain/shop.ts';
import { isConditionFailed } from './client.ts';
import { keys } from './keys.ts';

export interface ShopsRepository {
  /** Creates the shop; false when a shop with this id already exists. */
  create(shop: Shop): Promise<boolean>;
  get(shopId: string): Promise<Shop | undefined>;
  /** Reads a key that never exists: proves the table answers (health check). */
  ping(): Promise<void>;
}

interface ShopItem extends Shop {
  readonly pk: string;
  readonly sk: string;
  readonly type: 'shop';
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
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.shop(shopId) }));
      if (!Item) return undefined;
      const { pk: _pk, sk: _sk, type: _type, ...shop } = Item as ShopItem;
      return shop;
    },
    async ping() {
      await db.send(new GetCommand({ TableName: tableName, Key: keys.healthProbe() }));
    },
  };
}

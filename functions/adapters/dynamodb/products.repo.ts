import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_PRICE_INCREASE_POLICY, type Product } from '../../domain/product.ts';
import { writeIfCondition } from './client.ts';
import { clientStartKeyRefused, decodeCursor, encodeCursor, tableQueryShape } from './cursor.ts';
import { keys, sortKeyPrefixes } from './keys.ts';

export interface Page<T> {
  readonly items: T[];
  readonly nextCursor: string | null;
}

export interface ProductsRepository {
  put(shopId: string, product: Product): Promise<void>;
  /** Writes `product` only if the stored one is still `before` (same updatedAt; absent = not yet created): false otherwise. */
  replace(shopId: string, product: Product, before: Product | undefined): Promise<boolean>;
  get(shopId: string, productId: string): Promise<Product | undefined>;
  /** The shop's products in product-id order. */
  list(shopId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<Product>>;
}

function fromItem(item: Record<string, unknown>): Product {
  const { productId, name, price, subscription, onePlusNEvent, maxDeliveries, discounts, priceIncreasePolicy, priceChanges, updatedAt } = item as unknown as Product;
  return {
    productId,
    name,
    price,
    subscription,
    onePlusNEvent,
    ...(maxDeliveries !== undefined ? { maxDeliveries } : {}),
    ...(discounts !== undefined ? { discounts } : {}),
    priceIncreasePolicy: priceIncreasePolicy ?? DEFAULT_PRICE_INCREASE_POLICY,
    ...(priceChanges !== undefined ? { priceChanges } : {}),
    updatedAt,
  };
}

export function productsRepository(db: DynamoDBDocumentClient, tableName: string): ProductsRepository {
  return {
    async put(shopId, product) {
      await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.product(shopId, product.productId), type: 'product', shopId, ...product } }));
    },
    replace(shopId, product, before) {
      return writeIfCondition(() =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.product(shopId, product.productId), type: 'product', shopId, ...product },
            ConditionExpression: before ? 'updatedAt = :before' : 'attribute_not_exists(pk)',
            ...(before ? { ExpressionAttributeValues: { ':before': before.updatedAt } } : {}),
          }),
        ),
      );
    },
    async get(shopId, productId) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.product(shopId, productId), ConsistentRead: true }));
      return Item ? fromItem(Item) : undefined;
    },
    async list(shopId, page) {
      const partition = keys.shop(shopId).pk;
      const startKey = decodeCursor(page.cursor, tableQueryShape(partition, sortKeyPrefixes.products));
      const result = await clientStartKeyRefused(startKey !== undefined, () =>
        db.send(
          new QueryCommand({
            TableName: tableName,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': partition, ':prefix': sortKeyPrefixes.products },
            Limit: page.limit,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      return { items: (result.Items ?? []).map(fromItem), nextCursor: encodeCursor(result.LastEvaluatedKey) };
    },
  };
}

/**
 * Buyers' registered cards (S10): one item per (shop, customer, method). The
 * billing key — the PG's token that charges the card — is stored sealed
 * (functions/adapters/crypto/envelope.ts, purpose `billing-key`, the shop as
 * encryption context): a table read alone never yields a usable key, and only
 * functions granted kms:Decrypt (those that call a PG) can open it. Conditions
 * on "the record still holds this key" use its SHA-256 digest, since sealing
 * is not deterministic.
 *
 * Migration: items written by versions before sealing hold the key in
 * plaintext (no digest). They are read as they are (`open` is skipped for a
 * value that is not sealed), their conditions match the plaintext, and the
 * next `put` of the buyer's card (a new checkout) stores it sealed. Nothing
 * rewrites old items in bulk: a one-off re-seal would need every function's
 * decrypt grant in one place, and the keys age out as buyers re-register.
 */
import { createHash } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BillingKeyRecord, MaskedBillingKeyRecord } from '../../domain/billing-key.ts';
import type { SealContext, Sealer } from '../../ports/sealer.ts';
import { writeIfCondition } from './client.ts';
import { decodeCursor, encodeCursor, indexQueryShape } from './cursor.ts';
import { indexKeys, keys, billingKeysPartition, partitionQuery } from './keys.ts';

/** One buyer's registration, read: opened for a charge (needs kms:Decrypt) or masked for the buyer's view. */
export interface BillingKeyRecords {
  /** The registration with its billing key opened (needs kms:Decrypt). */
  get(shopId: string, customerId: string, method: BillingKeyRecord['method']): Promise<BillingKeyRecord | undefined>;
  /** The registration without its billing key: what the buyer may see (no KMS needed). */
  getMasked(shopId: string, customerId: string, method: BillingKeyRecord['method']): Promise<MaskedBillingKeyRecord | undefined>;
}

/** Registering a card (checkout, card change) and the stop cascade (S22): the writes, and the shop-wide list that feeds the deletes. */
export interface BillingKeyChanges {
  /**
   * Stores the buyer's registration, sealed (S10: one per buyer and method), only if the current one still
   * holds `previous` (null: there is none). False when another registration got there first.
   */
  put(record: BillingKeyRecord, previous: string | null): Promise<boolean>;
  /** Forgets the retired key once the PG deleted it; only if the record still holds `billingKey`. */
  clearRetiring(shopId: string, customerId: string, method: BillingKeyRecord['method'], billingKey: string): Promise<void>;
  /** Access pattern 12 (gsi1): one page of a shop's billing keys, opened, for the stop cascade (S22). */
  listByShop(shopId: string, page: { readonly limit: number; readonly cursor?: string | undefined }): Promise<{ items: BillingKeyRecord[]; nextCursor: string | null }>;
  /** Forgets a registration once the PG deleted it; only if it still holds `billingKey` (a newer card stays). */
  delete(shopId: string, customerId: string, method: BillingKeyRecord['method'], billingKey: string): Promise<boolean>;
}

/** Both parts: what checkout and the stop worker build. */
export interface BillingKeysRepository extends BillingKeyRecords, BillingKeyChanges {}

const STORAGE = new Set(['pk', 'sk', 'type', 'gsi1pk', 'gsi1sk', 'billingKeyDigest']);
const stored = (item: Record<string, unknown>) => Object.fromEntries(Object.entries(item).filter(([name]) => !STORAGE.has(name))) as unknown as BillingKeyRecord;

/** SHA-256 of a billing key: the condition value of writes that must find the same key (a token of high entropy: not reversible). */
export const billingKeyDigest = (billingKey: string) => createHash('sha256').update(billingKey, 'utf8').digest('base64url');

/** A write's condition that the item still holds `billingKey` (sealed: its digest; legacy plaintext: the key). */
const holdsKey = (billingKey: string) => ({
  ConditionExpression: '(billingKeyDigest = :digest OR billingKey = :plain)',
  ExpressionAttributeValues: { ':digest': billingKeyDigest(billingKey), ':plain': billingKey },
});

const contextOf = (shopId: string): SealContext => ({ shopId, purpose: 'billing-key' });

/** A stored item as its record, the key (and a retiring one) opened with `sealer`. */
function opener(sealer: Sealer) {
  const open = async (value: string, shopId: string) => (sealer.isSealed(value) ? sealer.open(value, contextOf(shopId)) : value);
  return async (item: Record<string, unknown>): Promise<BillingKeyRecord> => {
    const record = stored(item);
    const billingKey = await open(record.billingKey, record.shopId);
    const retiring = record.retiring ? { ...record.retiring, billingKey: await open(record.retiring.billingKey, record.shopId) } : undefined;
    return { ...record, billingKey, ...(retiring ? { retiring } : {}) };
  };
}

/** All of it: the records and the changes. */
export function billingKeysRepository(db: DynamoDBDocumentClient, tableName: string, sealer: Sealer): BillingKeysRepository {
  return { ...billingKeyRecords(db, tableName, sealer), ...billingKeyChanges(db, tableName, sealer) };
}

/** One registration, opened or masked: what the charge, the card sweep and the buyer's views build. */
export function billingKeyRecords(db: DynamoDBDocumentClient, tableName: string, sealer: Sealer): BillingKeyRecords {
  const opened = opener(sealer);
  return {
    async get(shopId, customerId, method) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.billingKey(shopId, customerId, method), ConsistentRead: true }));
      return Item ? opened(Item) : undefined;
    },
    async getMasked(shopId, customerId, method) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.billingKey(shopId, customerId, method), ConsistentRead: true }));
      if (!Item) return undefined;
      const { billingKey: _key, retiring: _retiring, ...masked } = stored(Item);
      return masked;
    },
  };
}

/** Registration writes and the stop cascade's list and deletes. */
export function billingKeyChanges(db: DynamoDBDocumentClient, tableName: string, sealer: Sealer): BillingKeyChanges {
  const opened = opener(sealer);
  return {
    async put(record, previous) {
      const context = contextOf(record.shopId);
      const billingKey = await sealer.seal(record.billingKey, context);
      const retiring = record.retiring ? { ...record.retiring, billingKey: await sealer.seal(record.retiring.billingKey, context) } : undefined;
      // The conditional write on the previous key (issue 11): of two registrations at once, one wins.
      const condition = previous === null ? { ConditionExpression: 'attribute_not_exists(pk)' } : holdsKey(previous);
      return writeIfCondition(() =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...keys.billingKey(record.shopId, record.customerId, record.method),
              type: 'billingKey',
              ...record,
              billingKey,
              billingKeyDigest: billingKeyDigest(record.billingKey),
              ...(retiring ? { retiring } : {}),
              ...indexKeys.shopBillingKeys(record.shopId, record.customerId, record.method),
            },
            ...condition,
          }),
        ),
      );
    },
    async clearRetiring(shopId, customerId, method, billingKey) {
      // False when another registration replaced the record in between: nothing of ours to clear.
      await writeIfCondition(() =>
        db.send(new UpdateCommand({ TableName: tableName, Key: keys.billingKey(shopId, customerId, method), UpdateExpression: 'REMOVE retiring', ...holdsKey(billingKey) })),
      );
    },
    async listByShop(shopId, page) {
      const partition = billingKeysPartition(shopId);
      const { Items = [], LastEvaluatedKey } = await db.send(
        new QueryCommand({
          TableName: tableName,
          ...partitionQuery(partition),
          Limit: page.limit,
          ExclusiveStartKey: decodeCursor(page.cursor, indexQueryShape(partition)),
        }),
      );
      return { items: await Promise.all(Items.map(opened)), nextCursor: encodeCursor(LastEvaluatedKey) };
    },
    async delete(shopId, customerId, method, billingKey) {
      return writeIfCondition(() => db.send(new DeleteCommand({ TableName: tableName, Key: keys.billingKey(shopId, customerId, method), ...holdsKey(billingKey) })));
    },
  };
}

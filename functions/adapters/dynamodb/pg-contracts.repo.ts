/**
 * Each shop's PG contracts (docs/data-model.md): one item per (shop, gateway)
 * in the shop's partition, `PGCONTRACT#{gateway}`. The credentials are stored
 * sealed (functions/adapters/crypto/envelope.ts, purpose `pg-credentials`,
 * the shop as encryption context); reading the list never opens them, so the
 * masked views need no KMS permission.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GatewayId } from '../../../system/payment-gateways.ts';
import type { PgContract } from '../../domain/pg-contract.ts';
import { writeIfCondition } from './client.ts';
import { keys, sortKeyPrefixes } from './keys.ts';

export interface StoredPgContract extends PgContract {
  /** The credentials JSON, sealed; opened only by functions that call a PG. */
  readonly sealedCredentials: string;
}

export interface PgContractsRepository {
  /** Every contract of the shop, retired ones included (masked: no credentials). */
  list(shopId: string): Promise<PgContract[]>;
  /** The contract with its sealed credentials (retired ones too: the stop cascade still needs them). */
  getSealed(shopId: string, gateway: GatewayId): Promise<StoredPgContract | undefined>;
  /** Registers (or rotates) a contract: replaces the item, un-retiring it. */
  put(contract: StoredPgContract): Promise<void>;
  /** Retires a contract in force; it expires `expiresAt` (epoch seconds, TTL). No-op when absent or retired. */
  retire(shopId: string, gateway: GatewayId, at: string, expiresAt: number): Promise<void>;
}

const masked = ({ shopId, gateway, registeredAt, fingerprint, retiredAt }: Record<string, unknown>): PgContract => ({
  shopId: shopId as string,
  gateway: gateway as GatewayId,
  registeredAt: registeredAt as string,
  fingerprint: fingerprint as string,
  ...(typeof retiredAt === 'string' ? { retiredAt } : {}),
});

export function pgContractsRepository(db: DynamoDBDocumentClient, tableName: string): PgContractsRepository {
  return {
    async list(shopId) {
      const { pk } = keys.shop(shopId);
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': pk, ':prefix': sortKeyPrefixes.pgContracts },
          // The sealed credentials stay in the table: a list never carries them.
          ProjectionExpression: 'shopId, gateway, registeredAt, fingerprint, retiredAt',
          ConsistentRead: true,
        }),
      );
      return Items.map(masked);
    },
    async getSealed(shopId, gateway) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.pgContract(shopId, gateway), ConsistentRead: true }));
      if (!Item || typeof Item.sealedCredentials !== 'string') return undefined;
      return { ...masked(Item), sealedCredentials: Item.sealedCredentials };
    },
    async put(contract) {
      const { retiredAt: _retired, ...current } = contract;
      await db.send(new PutCommand({ TableName: tableName, Item: { ...keys.pgContract(contract.shopId, contract.gateway), type: 'pgContract', ...current } }));
    },
    async retire(shopId, gateway, at, expiresAt) {
      await writeIfCondition(() =>
        db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.pgContract(shopId, gateway),
            UpdateExpression: 'SET retiredAt = :at, expiresAt = :expires',
            ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(retiredAt)',
            ExpressionAttributeValues: { ':at': at, ':expires': expiresAt },
          }),
        ),
      );
    },
  };
}

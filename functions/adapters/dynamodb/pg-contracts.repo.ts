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

/** What the gateway registry reads to open a shop's contract (every function that calls a PG). */
export interface SealedPgContracts {
  /** The contract with its sealed credentials (retired ones too: the stop cascade still needs them). */
  getSealed(shopId: string, gateway: GatewayId): Promise<StoredPgContract | undefined>;
}

/** The merchant's and the platform's side: the masked list, registration and retirement. */
export interface PgContractAdministration {
  /** Every contract of the shop, retired ones included (masked: no credentials). */
  list(shopId: string): Promise<PgContract[]>;
  /** Registers (or rotates) a contract: replaces the item, un-retiring it. */
  put(contract: StoredPgContract): Promise<void>;
  /** Retires a contract in force; it expires `expiresAt` (epoch seconds, TTL). No-op when absent or retired. */
  retire(shopId: string, gateway: GatewayId, at: string, expiresAt: number): Promise<void>;
}

/** Both parts. */
export interface PgContractsRepository extends SealedPgContracts, PgContractAdministration {}

const masked = ({ shopId, gateway, registeredAt, fingerprint, retiredAt }: Record<string, unknown>): PgContract => ({
  shopId: shopId as string,
  gateway: gateway as GatewayId,
  registeredAt: registeredAt as string,
  fingerprint: fingerprint as string,
  ...(typeof retiredAt === 'string' ? { retiredAt } : {}),
});

/** All of it. */
export function pgContractsRepository(db: DynamoDBDocumentClient, tableName: string): PgContractsRepository {
  return { ...sealedPgContracts(db, tableName), ...pgContractAdministration(db, tableName) };
}

/** A contract with its sealed credentials: what the gateway registry builds (functions/wiring/gateway-registry.ts). */
export function sealedPgContracts(db: DynamoDBDocumentClient, tableName: string): SealedPgContracts {
  return {
    async getSealed(shopId, gateway) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.pgContract(shopId, gateway), ConsistentRead: true }));
      if (!Item || typeof Item.sealedCredentials !== 'string') return undefined;
      return { ...masked(Item), sealedCredentials: Item.sealedCredentials };
    },
  };
}

/** The masked list, registration and retirement: the merchant-facing functions. */
export function pgContractAdministration(db: DynamoDBDocumentClient, tableName: string): PgContractAdministration {
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

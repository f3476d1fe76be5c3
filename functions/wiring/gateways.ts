/** The payment gateways, for the functions that call a PG (`usesGateway`): each shop's own contract, opened with KMS. */
import { pgContractsRepository } from '../adapters/dynamodb/pg-contracts.repo.ts';
import { gatewayRegistryFromEnv } from '../adapters/gateways/registry.ts';
import { sealer } from './sealer.ts';
import { db, tableName } from './table.ts';

export const gateways = gatewayRegistryFromEnv(process.env, { contracts: pgContractsRepository(db, tableName), sealer });

/** Builds the payment-gateway registry of the functions that call a PG (`usesGateway`): each shop's own contract, opened with KMS. */
import { pgContractsRepository } from '../adapters/dynamodb/pg-contracts.repo.ts';
import { gatewayRegistryFromEnv, type GatewayRegistry, type GatewayRegistryOptions } from '../adapters/gateways/registry.ts';
import { sandboxGateway } from '../adapters/gateways/sandbox.ts';
import { sealer } from './sealer.ts';
import { db, tableName } from './table.ts';

/** `adapters`: what a function adds to the default adapters (the charging functions: PortOne's payment client). */
export function gatewayRegistry(adapters: GatewayRegistryOptions['adapters'] = {}): GatewayRegistry {
  // The sandbox PG serves every gateway locally (PG_SANDBOX=true). Deployed bundles define process.env.PG_SANDBOX
  // as "false" (system/bundling.ts): this is then `undefined`, and the sandbox adapter is not in the bundle at all.
  const sandboxAdapter = process.env.PG_SANDBOX === 'true' ? sandboxGateway : undefined;
  return gatewayRegistryFromEnv(process.env, { contracts: pgContractsRepository(db, tableName), sealer, adapters, ...(sandboxAdapter ? { sandboxAdapter } : {}) });
}

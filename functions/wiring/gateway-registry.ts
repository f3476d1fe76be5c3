/** Builds the payment-gateway registry of the functions that call a PG (`usesGateway`): each shop's own contract, opened with KMS. */
import type { AdapterFamily } from '../../system/payment-gateways.ts';
import { sealedPgContracts } from '../adapters/dynamodb/pg-contracts.repo.ts';
import type { AdapterFactory } from '../adapters/gateways/adapter-families.ts';
import type { GatewayIdentity, PaymentGateway } from '../adapters/gateways/payment-gateway.ts';
import { gatewayRegistryFromEnv, type GatewayRegistry } from '../adapters/gateways/registry.ts';
import { sandboxGateway, type SandboxGatewayOptions } from '../adapters/gateways/sandbox.ts';
import { sealer } from './sealer.ts';
import { db, tableName } from './table.ts';

/** `adapters`: the capability the function calls, one factory per family (adapter-families.ts). */
export function gatewayRegistry<G extends GatewayIdentity>(adapters: Readonly<Record<AdapterFamily, AdapterFactory<G>>>): GatewayRegistry<G> {
  // The sandbox PG serves every gateway locally (PG_SANDBOX=true). Deployed bundles define process.env.PG_SANDBOX
  // as "false" (system/bundling.ts): this is then `undefined`, and the sandbox adapter is not in the bundle at all.
  // The sandbox is a whole PaymentGateway: it serves every capability G can be.
  const sandboxAdapter = process.env.PG_SANDBOX === 'true' ? (sandboxGateway as (options: SandboxGatewayOptions) => PaymentGateway as unknown as (options: SandboxGatewayOptions) => G) : undefined;
  return gatewayRegistryFromEnv<G>(process.env, { contracts: sealedPgContracts(db, tableName), sealer, adapters, ...(sandboxAdapter ? { sandboxAdapter } : {}) });
}

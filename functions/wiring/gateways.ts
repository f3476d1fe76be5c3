/** The payment gateways, for the functions that call a PG (`usesGateway`): credentials from Secrets Manager. */
import { gatewayRegistryFromEnv } from '../adapters/gateways/registry.ts';

export const gateways = gatewayRegistryFromEnv(process.env);

import { GATEWAY_IDS, gatewayDefinition } from '../../system/payment-gateways.ts';
import { hasCredentialSchema, PG_CREDENTIAL_SCHEMAS } from '../domain/pg-credentials.ts';

/** GET /payment-gateways: generated from system/payment-gateways.ts, the one place a gateway is declared. */
export function listPaymentGateways() {
  return {
    items: GATEWAY_IDS.map((id) => {
      const { name, kind, requiredDocuments, available, unavailableReason, supportsLookup, via } = gatewayDefinition(id);
      return {
        id,
        name,
        kind,
        requiredDocuments: [...requiredDocuments],
        available,
        ...(unavailableReason !== undefined ? { unavailableReason } : {}),
        supportsLookup,
        via,
        credentialFields: hasCredentialSchema(id) ? Object.keys(PG_CREDENTIAL_SCHEMAS[id].shape) : [],
      };
    }),
  };
}

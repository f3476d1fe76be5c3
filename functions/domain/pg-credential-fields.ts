/**
 * The fields of each available gateway's contract credentials — what its
 * adapter reads — without their rules (pg-credentials.ts has the schemas that
 * validate a registration, PUT /platform/shops/{shopId}/pg-contracts/{gateway}).
 * The functions that charge open a contract and check it against these
 * fields only, with no schema library in their bundle (issue 12: every bundle
 * under 150 KB); the credentials were validated when they were registered and
 * are sealed (AES-GCM with the shop as context), so what opens is what passed.
 * test/unit/pg-credentials.test.ts keeps the two lists the same.
 */
import type { GatewayId } from '../../system/payment-gateways.ts';

const PORTONE_FIELDS = ['storeId', 'apiSecret', 'channelKey'] as const;

/** Available gateways only: Allat and Cafe24 Payments take no contract (422 GATEWAY_NOT_AVAILABLE). */
export const CREDENTIAL_FIELDS = {
  tosspayments: ['clientKey', 'secretKey'],
  nicepay: ['clientKey', 'secretKey', 'returnUrl'],
  kakaopay: ['cid', 'secretKey', 'approvalUrl', 'cancelUrl', 'failUrl'],
  inicis: PORTONE_FIELDS,
  kcp: PORTONE_FIELDS,
  ksnet: PORTONE_FIELDS,
} as const satisfies Partial<Record<GatewayId, readonly string[]>>;

export type ContractGateway = keyof typeof CREDENTIAL_FIELDS;

export const hasCredentialSchema = (gateway: GatewayId): gateway is ContractGateway => Object.hasOwn(CREDENTIAL_FIELDS, gateway);

/**
 * Opened credentials as an adapter needs them: exactly the gateway's fields, each a non-empty string. Answers
 * what is wrong — field names only, never a value — or undefined when they are usable.
 */
export function credentialsProblem(gateway: ContractGateway, value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const fields: readonly string[] = CREDENTIAL_FIELDS[gateway];
  const record = value as Record<string, unknown>;
  const missing = fields.filter((field) => typeof record[field] !== 'string' || record[field] === '');
  const extra = Object.keys(record).filter((field) => !fields.includes(field));
  if (missing.length === 0 && extra.length === 0) return undefined;
  return [missing.length > 0 ? `missing ${missing.join(', ')}` : '', extra.length > 0 ? `unexpected ${extra.join(', ')}` : ''].filter(Boolean).join('; ');
}

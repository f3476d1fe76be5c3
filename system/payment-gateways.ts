/**
 * Every payment gateway the service knows (S3, S7, S9): the one place a
 * gateway is declared. `GET /payment-gateways` is generated from it, the
 * domain's card-PG and easy-pay lists and the documents of S3 come from it,
 * and the runtime registry (functions/adapters/gateways/registry.ts) has one
 * adapter per `adapter` named here. Also the environment variables lib/ (AWS)
 * and local/ (a laptop) set for the registry and the envelope encryption, and
 * the sandbox PG's paths, so the three cannot drift apart.
 */

export type GatewayKind = 'card' | 'easyPay';
/** Which client speaks to the PG: its own API, or PortOne V2 in front of it. */
export type GatewayVia = 'direct' | 'portone';
/** The adapter family in functions/adapters/gateways/ that serves a gateway. */
export type AdapterFamily = 'tosspayments' | 'nicepay' | 'kakaopay' | 'portone';

export interface GatewayDefinition {
  readonly name: string;
  readonly kind: GatewayKind;
  readonly via: GatewayVia;
  /** S3: what the merchant submits to this PG for its review. */
  readonly requiredDocuments: readonly string[];
  /** False for a PG with no public billing API: listed, never applied with (422 GATEWAY_NOT_AVAILABLE). */
  readonly available: boolean;
  readonly unavailableReason?: string;
  /** Whether the PG can look a charge up by our order id; false sends an unknown outcome to manual review. */
  readonly supportsLookup: boolean;
  /** The adapter family that serves it (available gateways only). */
  readonly adapter?: AdapterFamily;
}

const NO_PUBLIC_API = 'No public recurring-payment (billing key) API was found for it; it will be offered once one is.';

export const PAYMENT_GATEWAYS = {
  inicis: { name: 'KG Inicis', kind: 'card', via: 'portone', requiredDocuments: [], available: true, supportsLookup: true, adapter: 'portone' },
  allat: { name: 'Allat (Mobilians)', kind: 'card', via: 'direct', requiredDocuments: ['Recurring-payment contract (special terms)'], available: false, unavailableReason: NO_PUBLIC_API, supportsLookup: false },
  kcp: { name: 'NHN KCP', kind: 'card', via: 'portone', requiredDocuments: ['Recurring-payment contract (special terms)'], available: true, supportsLookup: true, adapter: 'portone' },
  tosspayments: { name: 'Toss Payments', kind: 'card', via: 'direct', requiredDocuments: ['Amendment/addendum contract (2 copies)'], available: true, supportsLookup: true, adapter: 'tosspayments' },
  ksnet: { name: 'KSNET', kind: 'card', via: 'portone', requiredDocuments: [], available: true, supportsLookup: true, adapter: 'portone' },
  nicepay: { name: 'NICE Payments', kind: 'card', via: 'direct', requiredDocuments: ['Recurring-payment special terms'], available: true, supportsLookup: true, adapter: 'nicepay' },
  cafe24pay: { name: 'Cafe24 Payments', kind: 'card', via: 'direct', requiredDocuments: [], available: false, unavailableReason: NO_PUBLIC_API, supportsLookup: false },
  // KakaoPay's order lookup takes its own tid, which a timed-out charge never returned: no lookup by our order id.
  kakaopay: { name: 'KakaoPay', kind: 'easyPay', via: 'direct', requiredDocuments: [], available: true, supportsLookup: false, adapter: 'kakaopay' },
} as const satisfies Record<string, GatewayDefinition>;

export type GatewayId = keyof typeof PAYMENT_GATEWAYS;
export const GATEWAY_IDS = Object.keys(PAYMENT_GATEWAYS) as GatewayId[];

type IdsOfKind<K extends GatewayKind> = { [G in GatewayId]: (typeof PAYMENT_GATEWAYS)[G]['kind'] extends K ? G : never }[GatewayId];
export type CardGatewayId = IdsOfKind<'card'>;
export type EasyPayGatewayId = IdsOfKind<'easyPay'>;

/** S7: the card PGs, in the order of the seed. */
export const CARD_GATEWAY_IDS = GATEWAY_IDS.filter((id) => PAYMENT_GATEWAYS[id].kind === 'card') as unknown as readonly [CardGatewayId, ...CardGatewayId[]];
/** S7, S9: easy payment beside (or instead of) the card PG. */
export const EASY_PAY_GATEWAY_IDS = GATEWAY_IDS.filter((id) => PAYMENT_GATEWAYS[id].kind === 'easyPay') as unknown as readonly [EasyPayGatewayId, ...EasyPayGatewayId[]];

/** A gateway's definition, typed loosely for code that reads any of them. */
export function gatewayDefinition(id: GatewayId): GatewayDefinition {
  return PAYMENT_GATEWAYS[id];
}

export const GATEWAY_ENV = {
  /** ARN (or id) of the KMS key that seals PG credentials and billing keys (set by `ServiceFunction.bindSecrets`). */
  kmsKeyId: 'SECRETS_KMS_KEY_ID',
  /** `true` (local runtime only): every gateway is served by the sandbox PG, in that gateway's flow shape. */
  sandbox: 'PG_SANDBOX',
  /** Base URL of the local runtime that serves the sandbox PG under /_local/sandbox-pg/. */
  sandboxUrl: 'SANDBOX_PG_URL',
} as const;

/** The encryption context keys every sealed value carries (KMS binds the data key to them; IAM conditions name them). */
export const SEAL_CONTEXT_KEYS = ['shop', 'purpose'] as const;
/**
 * What a sealed value is: PG credentials (written by the platform, read by payment functions), a buyer's
 * billing key, or a webhook endpoint's signing secret (written by the create route, read by the delivery worker).
 */
export type SealPurpose = 'pg-credentials' | 'billing-key' | 'webhook-secret';

/** The sandbox PG's endpoints (local runtime only, never deployed). */
export const SANDBOX_PG_PATHS = {
  /** The registration window: card number (or KakaoPay choice) → authKey. */
  authorize: '/_local/sandbox-pg/authorize',
  /** authKey + customerKey → billing key and card facts. */
  issueBillingKey: '/_local/sandbox-pg/billing-keys/issue',
  /** billingKey + customerKey → deleted (idempotent). */
  deleteBillingKey: '/_local/sandbox-pg/billing-keys/delete',
  /** POST: charge a billing key. GET `?orderId=`: look a charge up. */
  charges: '/_local/sandbox-pg/charges',
  /** The PG's server API: customerKey → its live billing keys, whole (what the sweep at a stop deletes). */
  listBillingKeys: '/_local/sandbox-pg/billing-keys/list',
  /** For people and tests (the dev console): GET `?customerKey=` → the live billing keys, masked. */
  liveBillingKeys: '/_local/sandbox-pg/billing-keys',
  /** KakaoPay's shape: the subscription "ready" that opens the buyer's KakaoPay window (answers a tid). */
  ready: '/_local/sandbox-pg/ready',
} as const;

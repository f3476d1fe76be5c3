/**
 * How handlers find their payment gateways: the environment variables lib/
 * (AWS) and local/ (a laptop) set and functions/adapters/gateways/registry.ts
 * reads, and the paths of the sandbox PG that the local runtime serves and the
 * sandbox adapter calls. Kept here so the three cannot drift apart.
 */

export const GATEWAY_ENV = {
  /** AWS: ARN of the Secrets Manager secret holding every PG's API keys (set by `ServiceFunction.bindGateway`). */
  credentialsSecretArn: 'PG_CREDENTIALS_SECRET_ARN',
  /** Laptop: the same JSON as the secret, inline (`{"tosspayments": {"secretKey": "…", "clientKey": "…"}}`). */
  credentials: 'PG_CREDENTIALS',
  /** `true` (local runtime only): a provider without credentials is served by the sandbox PG. */
  sandboxFallback: 'PG_SANDBOX_FALLBACK',
  /** Base URL of the local runtime that serves the sandbox PG under /_local/sandbox-pg/. */
  sandboxUrl: 'SANDBOX_PG_URL',
} as const;

/** The sandbox PG's endpoints (local runtime only, never deployed). */
export const SANDBOX_PG_PATHS = {
  /** The card-registration window: card number (or KakaoPay choice) → authKey. */
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
} as const;

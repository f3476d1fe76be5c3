/**
 * Which adapter serves a shop's card PG or KakaoPay — built from THAT shop's
 * own contract (S1, S2): the charge, the lookup, the key issue and the key
 * deletion always use the contract of the shop that owns the subscription.
 *
 * `gatewayFor(shopId, provider)` reads the shop's contract with the provider
 * (pg-contracts.repo.ts), opens its sealed credentials (KMS envelope, the shop
 * as encryption context), checks them against the gateway's fields and builds
 * the adapter of the gateway's family (system/payment-gateways.ts). The
 * adapter is cached in the container for `maxAgeMs` (default 5 minutes), so
 * rotated keys take effect within it without a deploy.
 *
 * Locally (PG_SANDBOX=true, set by the local runtime) the same path runs — the
 * contract is read and opened through the local KMS — and the adapter is the
 * sandbox PG in that gateway's flow shape.
 */
import { GATEWAY_ENV, PAYMENT_GATEWAYS, gatewayDefinition, type AdapterFamily, type GatewayId } from '../../../system/payment-gateways.ts';
import { AppError } from '../../core/errors.ts';
import { logger } from '../../core/logger.ts';
import type { PaymentProvider } from '../../domain/billing-key.ts';
import { credentialsProblem, hasCredentialSchema } from '../../domain/pg-credential-fields.ts';
import type { Sealer } from '../../ports/sealer.ts';
import type { SealedPgContracts } from '../dynamodb/pg-contracts.repo.ts';
import type { AdapterFactory } from './adapter-families.ts';
import type { GatewayIdentity, PaymentGateway } from './payment-gateway.ts';
import type { SandboxGatewayOptions } from './sandbox.ts';

export type { PaymentProvider } from '../../domain/billing-key.ts';

/**
 * 503 to the caller with a generic message; the provider and the reason are for
 * the logs only (the HTTP adapter logs every 5xx with its fields). Never a credential.
 */
export class PaymentGatewayUnavailable extends AppError {
  constructor(
    readonly provider: PaymentProvider,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(503, 'PAYMENT_GATEWAY_UNAVAILABLE', 'Payments are unavailable for this shop right now. Please try again later.');
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/** `G`: the capability a function is wired with (payment-gateway.ts: BillingKeyGateway, ChargingGateway, or both). */
export interface GatewayRegistry<G extends GatewayIdentity = PaymentGateway> {
  /** The adapter for a shop's provider, built from that shop's contract. Throws PaymentGatewayUnavailable. */
  gatewayFor(shopId: string, provider: PaymentProvider): Promise<G>;
}

export interface GatewayRegistryOptions<G extends GatewayIdentity = PaymentGateway> {
  readonly contracts: SealedPgContracts;
  readonly sealer: Pick<Sealer, 'open'>;
  /**
   * Serves every gateway (local runtime); null in AWS. The adapter is handed in (functions/wiring/gateways.ts)
   * rather than imported here, so that deployed bundles, built with PG_SANDBOX defined as "false"
   * (system/bundling.ts), do not carry it.
   */
  readonly sandbox: { readonly baseUrl: string; readonly adapter: (options: SandboxGatewayOptions) => G } | null;
  /** One factory per adapter family, of the capability the function uses (adapter-families.ts). */
  readonly adapters: Readonly<Record<AdapterFamily, AdapterFactory<G>>>;
  readonly baseUrls?: Partial<Record<AdapterFamily, string>>;
  /** How long a built adapter (and the credentials in it) is reused. @default 5 minutes */
  readonly maxAgeMs?: number;
  readonly now?: () => number;
}

export const CONTRACT_CACHE_MAX_AGE_MS = 5 * 60_000;

export function createGatewayRegistry<G extends GatewayIdentity>(options: GatewayRegistryOptions<G>): GatewayRegistry<G> {
  const adapters = options.adapters;
  const maxAgeMs = options.maxAgeMs ?? CONTRACT_CACHE_MAX_AGE_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { gateway: Promise<G>; at: number }>();

  const unavailable = (shopId: string, provider: PaymentProvider, reason: string, cause?: unknown): PaymentGatewayUnavailable => {
    logger.warn('Payment gateway unavailable', { shopId, provider, reason });
    return new PaymentGatewayUnavailable(provider, reason, cause === undefined ? undefined : { cause });
  };

  async function build(shopId: string, provider: GatewayId): Promise<G> {
    const definition = gatewayDefinition(provider);
    if (!definition.available || !definition.adapter || !hasCredentialSchema(provider)) throw unavailable(shopId, provider, `${PAYMENT_GATEWAYS[provider].name} is not available`);
    const contract = await options.contracts.getSealed(shopId, provider);
    if (!contract) throw unavailable(shopId, provider, 'the shop has no contract registered with it');
    let credentials: Record<string, string>;
    try {
      const opened: unknown = JSON.parse(await options.sealer.open(contract.sealedCredentials, { shopId, purpose: 'pg-credentials' }));
      const problem = credentialsProblem(provider, opened);
      if (problem !== undefined) throw new Error(`the stored credentials do not fit the ${provider} contract (${problem})`);
      credentials = opened as Record<string, string>;
    } catch (error) {
      // The message may name fields, never values (KMS errors and the field check name none).
      throw unavailable(shopId, provider, `its contract could not be opened (${(error as Error).message})`, error);
    }
    if (options.sandbox) {
      const { clientKey, storeId, channelKey, returnUrl } = credentials;
      return options.sandbox.adapter({ baseUrl: options.sandbox.baseUrl, gateway: provider, contract: { clientKey, storeId, channelKey, returnUrl, fingerprint: contract.fingerprint } });
    }
    const factory = adapters[definition.adapter];
    const baseUrl = options.baseUrls?.[definition.adapter];
    return factory({ gateway: provider, credentials, ...(baseUrl ? { baseUrl } : {}) });
  }

  return {
    gatewayFor(shopId, provider) {
      const id = `${shopId}\u0000${provider}`;
      const cached = cache.get(id);
      if (cached && now() - cached.at < maxAgeMs) return cached.gateway;
      const gateway = build(shopId, provider);
      cache.set(id, { gateway, at: now() });
      // A failed build is not remembered: the next call tries again.
      gateway.catch(() => {
        if (cache.get(id)?.gateway === gateway) cache.delete(id);
      });
      return gateway;
    },
  };
}

/**
 * The registry as configured by the environment; the composition root creates
 * it once per container. Fails fast on PG_SANDBOX without SANDBOX_PG_URL.
 */
export function gatewayRegistryFromEnv<G extends GatewayIdentity>(
  env: NodeJS.ProcessEnv,
  deps: Pick<GatewayRegistryOptions<G>, 'contracts' | 'sealer' | 'adapters'> & { readonly sandboxAdapter?: (options: SandboxGatewayOptions) => G },
): GatewayRegistry<G> {
  const sandbox = env[GATEWAY_ENV.sandbox] === 'true';
  const sandboxUrl = env[GATEWAY_ENV.sandboxUrl];
  if (sandbox && !sandboxUrl) throw new Error(`Missing required environment variable ${GATEWAY_ENV.sandboxUrl} (${GATEWAY_ENV.sandbox} is true)`);
  if (sandbox && !deps.sandboxAdapter) throw new Error(`${GATEWAY_ENV.sandbox} is true, but this build has no sandbox PG (deployed bundles never do)`);
  const { sandboxAdapter, ...rest } = deps;
  return createGatewayRegistry({ ...rest, sandbox: sandbox && sandboxUrl && sandboxAdapter ? { baseUrl: sandboxUrl, adapter: sandboxAdapter } : null });
}

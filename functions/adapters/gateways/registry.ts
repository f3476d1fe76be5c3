/**
 * Which adapter serves a shop's card PG or KakaoPay. Adding a PG is its
 * adapter file plus one line in ADAPTERS: a factory that takes that PG's
 * credentials (its entry in the credentials JSON).
 *
 * Credentials are one JSON object keyed by provider,
 * `{"tosspayments": {"secretKey": "…", "clientKey": "…"}, …}`:
 * - in AWS, the Secrets Manager secret named by PG_CREDENTIALS_SECRET_ARN
 *   (lib/ sets it on functions with `usesGateway`), read once per container;
 * - on a laptop, the same JSON inline in PG_CREDENTIALS (optional).
 * A provider without credentials (or without an adapter, like KakaoPay today)
 * is served by the sandbox PG when PG_SANDBOX_FALLBACK=true — the local
 * runtime sets it — and is otherwise PaymentGatewayUnavailable (503).
 */
import { AppError } from '../../core/errors.ts';
import { GetSecretValueCommand, SecretsManagerClient, type GetSecretValueCommandOutput } from '@aws-sdk/client-secrets-manager';
import * as z from '../../core/validation.ts';
import { GATEWAY_ENV } from '../../../system/payment-gateways.ts';
import { logger } from '../../core/logger.ts';
import type { PaymentProvider } from '../../domain/billing-key.ts';
import { CARD_PGS, EASY_PAYS } from '../../domain/shop.ts';
import type { PaymentGateway } from './payment-gateway.ts';
import { sandboxGateway } from './sandbox.ts';
import { tossPaymentsGateway } from './tosspayments.ts';

export type { PaymentProvider } from '../../domain/billing-key.ts';

/** One provider's entry in the credentials JSON: field name → value. */
export type ProviderCredentials = Readonly<Record<string, string>>;
export type PgCredentials = Readonly<Partial<Record<PaymentProvider, ProviderCredentials>>>;

/** Builds a provider's adapter from its credentials; throws when a field it needs is missing. */
export type AdapterFactory = (credentials: ProviderCredentials) => PaymentGateway;

/**
 * The real adapters, one line per PG. KakaoPay has no adapter yet: it is
 * served by the sandbox locally, and unavailable in AWS.
 */
export const ADAPTERS: { readonly [P in PaymentProvider]?: AdapterFactory } = {
  tosspayments: (credentials) => tossPaymentsGateway({ ...requireFields(credentials, 'secretKey', 'clientKey'), baseUrl: credentials.baseUrl }),
};

/**
 * No adapter can serve this provider: no credentials (or no adapter) and no
 * sandbox fallback, or the credentials could not be read. The use case maps it
 * to 503 PAYMENT_GATEWAY_UNAVAILABLE; `message` is for logs, not for callers.
 */
/**
 * 503 to the caller with a generic message; the provider and the reason are for
 * the logs only (the HTTP adapter logs every 5xx with its fields).
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

export interface GatewayRegistry {
  /** The adapter for a provider, created once per container. Throws PaymentGatewayUnavailable. */
  gatewayFor(provider: PaymentProvider): Promise<PaymentGateway>;
}

export interface GatewayRegistryOptions {
  /** Reads every PG's credentials; called once and cached (a failed read is tried again on the next call). */
  readonly loadCredentials: () => Promise<PgCredentials>;
  /** Serves providers without credentials or adapter (local runtime); null in AWS. */
  readonly sandbox: PaymentGateway | null;
  /** @default ADAPTERS */
  readonly adapters?: { readonly [P in PaymentProvider]?: AdapterFactory };
}

export function createGatewayRegistry(options: GatewayRegistryOptions): GatewayRegistry {
  const adapters = options.adapters ?? ADAPTERS;
  const gateways = new Map<PaymentProvider, PaymentGateway>();
  let credentials: Promise<PgCredentials> | null = null;

  const readCredentials = (): Promise<PgCredentials> => {
    credentials ??= options.loadCredentials().catch((error: unknown) => {
      credentials = null;
      throw error;
    });
    return credentials;
  };

  const unavailable = (provider: PaymentProvider, reason: string, cause?: unknown): PaymentGatewayUnavailable => {
    logger.warn('Payment gateway unavailable', { provider, reason });
    return new PaymentGatewayUnavailable(provider, reason, cause === undefined ? undefined : { cause });
  };

  const fallBack = (provider: PaymentProvider, reason: string): PaymentGateway => {
    if (!options.sandbox) throw unavailable(provider, reason);
    logger.info('Payment gateway served by the sandbox PG', { provider, reason });
    return options.sandbox;
  };

  const resolve = async (provider: PaymentProvider): Promise<PaymentGateway> => {
    const factory = adapters[provider];
    if (!factory) return fallBack(provider, 'there is no adapter for it yet');
    let entry: ProviderCredentials | undefined;
    try {
      entry = (await readCredentials())[provider];
    } catch (error) {
      throw unavailable(provider, `the PG credentials could not be read (${(error as Error).message})`, error);
    }
    if (!entry) return fallBack(provider, 'no credentials are configured for it');
    try {
      return factory(entry);
    } catch (error) {
      throw unavailable(provider, `its credentials are not usable (${(error as Error).message})`, error);
    }
  };

  return {
    async gatewayFor(provider) {
      const known = gateways.get(provider);
      if (known) return known;
      const gateway = await resolve(provider);
      gateways.set(provider, gateway);
      return gateway;
    },
  };
}

/** Picks the fields an adapter needs, or throws naming the missing ones (never a value). */
export function requireFields<K extends string>(credentials: ProviderCredentials, ...names: K[]): Readonly<Record<K, string>> {
  const missing = names.filter((name) => !credentials[name]);
  if (missing.length > 0) throw new Error(`missing ${missing.join(', ')}`);
  return Object.fromEntries(names.map((name) => [name, credentials[name]])) as Record<K, string>;
}

const PROVIDERS = [...CARD_PGS, ...EASY_PAYS] as const satisfies readonly PaymentProvider[];

// A misspelt provider would otherwise leave the real one silently without credentials.
const credentialsJson = z.partialRecord(z.enum(PROVIDERS), z.record(z.string(), z.string()));

/** Parses the credentials JSON; errors name where it came from and what is wrong, never a value. */
export function parseCredentials(json: string, source: string): PgCredentials {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new Error(`${source} is not valid JSON`);
  }
  const result = credentialsJson.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`${source} is not {"<provider>": {"<field>": "<value>"}} with providers ${PROVIDERS.join(', ')} (${problems.join('; ')})`);
  }
  return result.data;
}

/** The one Secrets Manager call the registry makes; a stub in tests. */
export interface SecretsReader {
  send(command: GetSecretValueCommand): Promise<Pick<GetSecretValueCommandOutput, 'SecretString'>>;
}

/** Reads the credentials JSON from a Secrets Manager secret (the registry caches the result). */
export function secretsManagerCredentials(client: SecretsReader, secretArn: string): () => Promise<PgCredentials> {
  return async () => {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (SecretString === undefined) throw new Error('the PG credentials secret has no string value');
    return parseCredentials(SecretString, 'the PG credentials secret');
  };
}

/**
 * The registry as configured by the environment (see the module comment);
 * the composition root creates it once per container. Fails fast on a
 * missing SANDBOX_PG_URL or an unparsable PG_CREDENTIALS.
 */
export function gatewayRegistryFromEnv(env: NodeJS.ProcessEnv, clients: { readonly secretsManager?: SecretsReader } = {}): GatewayRegistry {
  const fallback = env[GATEWAY_ENV.sandboxFallback] === 'true';
  const sandboxUrl = env[GATEWAY_ENV.sandboxUrl];
  if (fallback && !sandboxUrl) throw new Error(`Missing required environment variable ${GATEWAY_ENV.sandboxUrl} (${GATEWAY_ENV.sandboxFallback} is true)`);

  const secretArn = env[GATEWAY_ENV.credentialsSecretArn];
  const inline = env[GATEWAY_ENV.credentials];
  let loadCredentials: () => Promise<PgCredentials>;
  if (secretArn) {
    loadCredentials = secretsManagerCredentials(clients.secretsManager ?? new SecretsManagerClient({}), secretArn);
  } else if (inline || fallback) {
    const parsed = inline ? parseCredentials(inline, GATEWAY_ENV.credentials) : {};
    loadCredentials = async () => parsed;
  } else {
    // In AWS this means the function was not bound to the secret: say so rather than "no credentials".
    loadCredentials = async () => {
      throw new Error(`${GATEWAY_ENV.credentialsSecretArn} is not set (is the function marked usesGateway in system/functions.ts?)`);
    };
  }
  return createGatewayRegistry({ loadCredentials, sandbox: fallback && sandboxUrl ? sandboxGateway({ baseUrl: sandboxUrl }) : null });
}

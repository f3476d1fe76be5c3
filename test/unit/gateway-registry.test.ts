import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { describe, expect, it } from 'vitest';
import type { PaymentGateway } from '../../functions/adapters/gateways/payment-gateway.ts';
import {
  ADAPTERS,
  PaymentGatewayUnavailable,
  createGatewayRegistry,
  gatewayRegistryFromEnv,
  type PgCredentials,
  type SecretsReader,
} from '../../functions/adapters/gateways/registry.ts';
import { sandboxGateway } from '../../functions/adapters/gateways/sandbox.ts';
import { GATEWAY_ENV } from '../../system/payment-gateways.ts';

const TOSS = { tosspayments: { secretKey: 'test_sk_registry', clientKey: 'test_ck_registry' } } as const;
const SECRET_ARN = 'arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:subscriptions-dev/pg-credentials-AbCdEf';
const sandbox = sandboxGateway({ baseUrl: 'http://127.0.0.1:9' });

/** A Secrets Manager client that answers `answers` in turn (a value, or an error to throw) and counts calls. */
function stubSecrets(...answers: Array<string | Error>) {
  const calls: string[] = [];
  const client: SecretsReader = {
    send: async (command: GetSecretValueCommand) => {
      calls.push(command.input.SecretId ?? '');
      const answer = answers[Math.min(calls.length, answers.length) - 1];
      if (answer instanceof Error) throw answer;
      return { SecretString: answer };
    },
  };
  return { client, calls };
}

const credentials = (value: PgCredentials) => async () => value;

describe('gatewayFor', () => {
  it('picks the Toss Payments adapter when its credentials exist', async () => {
    const registry = createGatewayRegistry({ loadCredentials: credentials(TOSS), sandbox });

    const gateway = await registry.gatewayFor('tosspayments');

    expect(gateway.name).toBe('tosspayments');
    expect(gateway.registrationWindow({ subscriptionId: 's-1', customerKey: 'ck-1', method: 'card' })).toMatchObject({ clientKey: 'test_ck_registry' });
    expect(await registry.gatewayFor('tosspayments')).toBe(gateway);
  });

  it('serves a provider without credentials from the sandbox when the fallback is on', async () => {
    const registry = createGatewayRegistry({ loadCredentials: credentials({}), sandbox });

    expect(await registry.gatewayFor('tosspayments')).toBe(sandbox);
    expect(await registry.gatewayFor('inicis')).toBe(sandbox);
  });

  it('refuses a provider without credentials when the fallback is off (PAYMENT_GATEWAY_UNAVAILABLE)', async () => {
    const registry = createGatewayRegistry({ loadCredentials: credentials({}), sandbox: null });

    const refusal = registry.gatewayFor('tosspayments');
    await expect(refusal).rejects.toBeInstanceOf(PaymentGatewayUnavailable);
    await expect(refusal).rejects.toMatchObject({ code: 'PAYMENT_GATEWAY_UNAVAILABLE', provider: 'tosspayments', reason: 'no credentials are configured for it' });
  });

  it('has no KakaoPay adapter yet: the sandbox locally, unavailable in AWS', async () => {
    expect(ADAPTERS.kakaopay).toBeUndefined();
    expect(await createGatewayRegistry({ loadCredentials: credentials({}), sandbox }).gatewayFor('kakaopay')).toBe(sandbox);
    await expect(createGatewayRegistry({ loadCredentials: credentials({}), sandbox: null }).gatewayFor('kakaopay')).rejects.toMatchObject({
      provider: 'kakaopay',
      reason: 'there is no adapter for it yet',
    });
  });

  it('builds each adapter from its own credentials through the one registration line', async () => {
    const seen: unknown[] = [];
    const fake = { name: 'tosspayments' } as PaymentGateway;
    const registry = createGatewayRegistry({
      loadCredentials: credentials({ nicepay: { apiKey: 'k' } }),
      sandbox: null,
      adapters: { nicepay: (c) => (seen.push(c), fake) },
    });

    expect(await registry.gatewayFor('nicepay')).toBe(fake);
    expect(await registry.gatewayFor('nicepay')).toBe(fake);
    expect(seen).toEqual([{ apiKey: 'k' }]);
  });

  it('names missing credential fields, never a value, and falls back to nothing', async () => {
    const registry = createGatewayRegistry({ loadCredentials: credentials({ tosspayments: { secretKey: 'test_sk_hidden' } }), sandbox });

    const refusal = registry.gatewayFor('tosspayments');
    // The reason is for the logs; the caller's message is generic (a 503 shows nothing internal).
    await expect(refusal).rejects.toMatchObject({ status: 503, reason: expect.stringMatching(/missing clientKey/) });
    await expect(refusal).rejects.not.toMatchObject({ reason: expect.stringMatching(/test_sk_hidden/) });
  });
});

describe('credentials from Secrets Manager', () => {
  it('reads the secret once per container, whatever the providers asked for', async () => {
    const { client, calls } = stubSecrets(JSON.stringify(TOSS));
    const registry = gatewayRegistryFromEnv({ [GATEWAY_ENV.credentialsSecretArn]: SECRET_ARN }, { secretsManager: client });

    expect((await registry.gatewayFor('tosspayments')).name).toBe('tosspayments');
    await expect(registry.gatewayFor('inicis')).rejects.toBeInstanceOf(PaymentGatewayUnavailable);
    await expect(registry.gatewayFor('kcp')).rejects.toBeInstanceOf(PaymentGatewayUnavailable);
    await registry.gatewayFor('tosspayments');

    expect(calls).toEqual([SECRET_ARN]);
  });

  it('reads concurrent first requests with one call', async () => {
    const { client, calls } = stubSecrets(JSON.stringify(TOSS));
    const registry = gatewayRegistryFromEnv({ [GATEWAY_ENV.credentialsSecretArn]: SECRET_ARN }, { secretsManager: client });

    await Promise.all([registry.gatewayFor('tosspayments'), registry.gatewayFor('tosspayments'), registry.gatewayFor('allat').catch(() => null)]);

    expect(calls).toHaveLength(1);
  });

  it('answers unavailable when the secret cannot be read, and reads it again on the next call', async () => {
    const { client, calls } = stubSecrets(new Error('ThrottlingException'), JSON.stringify(TOSS));
    const registry = gatewayRegistryFromEnv({ [GATEWAY_ENV.credentialsSecretArn]: SECRET_ARN }, { secretsManager: client });

    await expect(registry.gatewayFor('tosspayments')).rejects.toMatchObject({ code: 'PAYMENT_GATEWAY_UNAVAILABLE', reason: expect.stringContaining('ThrottlingException') });
    expect((await registry.gatewayFor('tosspayments')).name).toBe('tosspayments');
    expect(calls).toHaveLength(2);
  });

  it('treats the empty secret the stack creates ({}) as "no PG configured"', async () => {
    const { client } = stubSecrets('{}');
    const registry = gatewayRegistryFromEnv({ [GATEWAY_ENV.credentialsSecretArn]: SECRET_ARN }, { secretsManager: client });

    await expect(registry.gatewayFor('tosspayments')).rejects.toMatchObject({ reason: 'no credentials are configured for it' });
  });

  it.each([
    ['not JSON', 'tosspayments=secret', /not valid JSON/],
    ['a misspelt provider', JSON.stringify({ tosspayment: TOSS.tosspayments }), /Unrecognized key: "tosspayment"/],
    ['a non-string field', JSON.stringify({ tosspayments: { secretKey: 1 } }), /tosspayments\.secretKey/],
  ])('refuses a secret that is %s, saying why without its values', async (_case, secret, reason) => {
    const { client } = stubSecrets(secret);
    const registry = gatewayRegistryFromEnv({ [GATEWAY_ENV.credentialsSecretArn]: SECRET_ARN }, { secretsManager: client });

    const refusal = registry.gatewayFor('tosspayments');
    await expect(refusal).rejects.toMatchObject({ reason: expect.stringMatching(reason) });
    await expect(refusal).rejects.not.toMatchObject({ reason: expect.stringMatching(/test_sk_registry|=secret/) });
  });
});

describe('configuration from the environment', () => {
  it('serves every provider from the sandbox locally (PG_SANDBOX_FALLBACK, SANDBOX_PG_URL)', async () => {
    const registry = gatewayRegistryFromEnv({ [GATEWAY_ENV.sandboxFallback]: 'true', [GATEWAY_ENV.sandboxUrl]: 'http://127.0.0.1:3000' });

    for (const provider of ['tosspayments', 'nicepay', 'kakaopay'] as const) expect((await registry.gatewayFor(provider)).name).toBe('sandbox');
  });

  it('uses laptop credentials from PG_CREDENTIALS, and the sandbox for the rest', async () => {
    const registry = gatewayRegistryFromEnv({
      [GATEWAY_ENV.sandboxFallback]: 'true',
      [GATEWAY_ENV.sandboxUrl]: 'http://127.0.0.1:3000',
      [GATEWAY_ENV.credentials]: JSON.stringify(TOSS),
    });

    expect((await registry.gatewayFor('tosspayments')).name).toBe('tosspayments');
    expect((await registry.gatewayFor('kakaopay')).name).toBe('sandbox');
  });

  it('has no sandbox in AWS: no fallback unless PG_SANDBOX_FALLBACK is exactly "true"', async () => {
    const registry = gatewayRegistryFromEnv({ [GATEWAY_ENV.sandboxFallback]: '1', [GATEWAY_ENV.sandboxUrl]: 'http://127.0.0.1:3000' });

    await expect(registry.gatewayFor('tosspayments')).rejects.toBeInstanceOf(PaymentGatewayUnavailable);
  });

  it('says so when a function was not bound to the secret (no usesGateway)', async () => {
    const registry = gatewayRegistryFromEnv({});

    await expect(registry.gatewayFor('tosspayments')).rejects.toMatchObject({ code: 'PAYMENT_GATEWAY_UNAVAILABLE', reason: expect.stringContaining('PG_CREDENTIALS_SECRET_ARN is not set (is the function marked usesGateway') });
  });

  it('fails fast on a fallback without SANDBOX_PG_URL and on PG_CREDENTIALS that are not JSON', () => {
    expect(() => gatewayRegistryFromEnv({ [GATEWAY_ENV.sandboxFallback]: 'true' })).toThrow(/SANDBOX_PG_URL/);
    expect(() => gatewayRegistryFromEnv({ [GATEWAY_ENV.credentials]: '{tosspayments' })).toThrow(/PG_CREDENTIALS is not valid JSON/);
  });
});

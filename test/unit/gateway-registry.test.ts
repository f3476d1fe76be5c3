/**
 * Each shop charges through its own PG contract (issue 10): the registry opens
 * the shop's sealed credentials and builds that shop's adapter. Two shops on
 * the same PG (one Toss stub that knows both secret keys) reach it with their
 * own keys, and one shop's key never appears in the other's requests. Also the
 * envelope sealer against an in-process KMS that, like KMS, binds data keys to
 * the encryption context.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopeSealer, type KmsPort } from '../../functions/adapters/crypto/envelope.ts';
import { PaymentClient } from '@portone/server-sdk/payment';
import { chargingAdapters } from '../../functions/adapters/gateways/adapter-families.ts';
import { createGatewayRegistry, PaymentGatewayUnavailable } from '../../functions/adapters/gateways/registry.ts';
import type { StoredPgContract } from '../../functions/adapters/dynamodb/pg-contracts.repo.ts';
import { fingerprintOf } from '../../functions/domain/pg-contract.ts';
import { startTossStub, type TossStub } from '../support/toss-stub.ts';

/** An in-process KMS: data keys wrapped under one master key, with the encryption context as AAD. */
function fakeKms() {
  const master = randomBytes(32);
  const calls: string[] = [];
  const aad = (context: Record<string, string> | undefined) => Buffer.from(JSON.stringify(Object.entries(context ?? {}).sort()));
  const kms: KmsPort = {
    send: (async (command: GenerateDataKeyCommand | DecryptCommand) => {
      if (command instanceof GenerateDataKeyCommand) {
        calls.push('GenerateDataKey');
        const plaintext = randomBytes(32);
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', master, iv).setAAD(aad(command.input.EncryptionContext));
        return { Plaintext: plaintext, CiphertextBlob: Buffer.concat([iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]) };
      }
      calls.push('Decrypt');
      const blob = Buffer.from(command.input.CiphertextBlob!);
      const decipher = createDecipheriv('aes-256-gcm', master, blob.subarray(0, 12)).setAAD(aad(command.input.EncryptionContext));
      decipher.setAuthTag(blob.subarray(44));
      return { Plaintext: Buffer.concat([decipher.update(blob.subarray(12, 44)), decipher.final()]) };
    }) as KmsPort['send'],
  };
  return { kms, calls };
}

describe('envelope sealer', () => {
  it('round-trips, binds a value to its shop and purpose, and caches data keys', async () => {
    const { kms, calls } = fakeKms();
    const sealer = envelopeSealer({ kms, keyId: 'arn:aws:kms:ap-northeast-2:111122223333:key/test' });
    const sealed = await sealer.seal('bk_secret_billing_key', { shopId: 'shop-a', purpose: 'billing-key' });

    expect(sealer.isSealed(sealed)).toBe(true);
    expect(sealed).not.toContain('bk_secret_billing_key');
    expect(await sealer.open(sealed, { shopId: 'shop-a', purpose: 'billing-key' })).toBe('bk_secret_billing_key');
    await expect(sealer.open(sealed, { shopId: 'shop-b', purpose: 'billing-key' })).rejects.toThrow();
    await expect(sealer.open(sealed, { shopId: 'shop-a', purpose: 'pg-credentials' })).rejects.toThrow();
    await sealer.seal('second', { shopId: 'shop-a', purpose: 'billing-key' });
    // One data key for both values of the context; its decrypt cached from the seal.
    expect(calls.filter((call) => call === 'GenerateDataKey')).toHaveLength(1);
    const tampered = `${sealed.slice(0, -4)}AAAA`;
    await expect(sealer.open(tampered, { shopId: 'shop-a', purpose: 'billing-key' })).rejects.toThrow();
  });

  it('reads plaintext written by versions before sealing as plaintext (migration)', () => {
    const sealer = envelopeSealer({ kms: fakeKms().kms, keyId: 'k' });
    expect(sealer.isSealed('MTfgAbC+/legacyTossBillingKey=')).toBe(false);
  });
});

describe('gatewayFor(shop, provider): each shop through its own contract', () => {
  let stub: TossStub;
  const keysOf = { 'shop-a': 'test_sk_shopAAAAAAAA1', 'shop-b': 'test_sk_shopBBBBBBBB2' } as const;

  beforeAll(async () => {
    stub = await startTossStub({ secretKey: keysOf['shop-a'], extraSecretKeys: [keysOf['shop-b']] });
  });
  afterAll(() => stub?.stop());

  async function registry(options: { maxAgeMs?: number; now?: () => number } = {}) {
    const { kms, calls } = fakeKms();
    const sealer = envelopeSealer({ kms, keyId: 'k' });
    const contracts = new Map<string, StoredPgContract>();
    const register = async (shopId: string, secretKey: string) => {
      const credentials = { clientKey: `test_ck_${shopId.replace('-', '')}0001`, secretKey };
      contracts.set(shopId, {
        shopId,
        gateway: 'tosspayments',
        registeredAt: '2026-01-01T00:00:00+09:00',
        fingerprint: fingerprintOf('tosspayments', credentials),
        sealedCredentials: await sealer.seal(JSON.stringify(credentials), { shopId, purpose: 'pg-credentials' }),
      });
    };
    for (const [shopId, secretKey] of Object.entries(keysOf)) await register(shopId, secretKey);
    const gateways = createGatewayRegistry({
      contracts: { getSealed: async (shopId, gateway) => (gateway === 'tosspayments' ? contracts.get(shopId) : undefined) },
      sealer,
      sandbox: null,
      adapters: chargingAdapters(PaymentClient),
      baseUrls: { tosspayments: stub.url },
      ...options,
    });
    return { gateways, register, calls };
  }

  it("two shops on the same PG reach it with their own keys; one shop's key never appears in the other's requests", async () => {
    const { gateways } = await registry();
    const basic = (secretKey: string) => `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}`;
    for (const shopId of ['shop-a', 'shop-b'] as const) {
      const before = stub.requests.length;
      const lookup = await (await gateways.gatewayFor(shopId, 'tosspayments')).findChargeByOrderId(`order-${shopId}-1`);
      expect(lookup.status).toBe('NOT_FOUND');
      const sent = stub.requests.slice(before);
      expect(sent.length).toBeGreaterThan(0);
      const other = shopId === 'shop-a' ? keysOf['shop-b'] : keysOf['shop-a'];
      for (const request of sent) {
        expect(request.headers.authorization).toBe(basic(keysOf[shopId]));
        expect(JSON.stringify(request)).not.toContain(basic(other));
        expect(JSON.stringify(request)).not.toContain(other);
      }
    }
    expect(await gateways.gatewayFor('shop-a', 'tosspayments')).not.toBe(await gateways.gatewayFor('shop-b', 'tosspayments'));
  });

  it('a shop without a contract is unavailable (503), never served with another shop’s keys', async () => {
    const { gateways } = await registry();
    await expect(gateways.gatewayFor('shop-c', 'tosspayments')).rejects.toBeInstanceOf(PaymentGatewayUnavailable);
    await expect(gateways.gatewayFor('shop-a', 'kcp')).rejects.toMatchObject({ code: 'PAYMENT_GATEWAY_UNAVAILABLE', reason: 'the shop has no contract registered with it' });
    await expect(gateways.gatewayFor('shop-a', 'allat')).rejects.toMatchObject({ reason: expect.stringContaining('not available') });
  });

  it('rotated keys take effect after the cache max age, without a restart', async () => {
    let now = 0;
    const { gateways, register } = await registry({ maxAgeMs: 60_000, now: () => now });
    const first = await gateways.gatewayFor('shop-a', 'tosspayments');
    await register('shop-a', keysOf['shop-b']);
    expect(await gateways.gatewayFor('shop-a', 'tosspayments')).toBe(first);
    now = 61_000;
    const rotated = await gateways.gatewayFor('shop-a', 'tosspayments');
    expect(rotated).not.toBe(first);
    const before = stub.requests.length;
    await rotated.findChargeByOrderId('order-rotated-1');
    expect(stub.requests[before]!.headers.authorization).toBe(`Basic ${Buffer.from(`${keysOf['shop-b']}:`).toString('base64')}`);
  });
});

/**
 * Envelope encryption under one KMS key (issue 11: billing keys and PG
 * credentials encrypted at the application level), behind the Sealer port.
 *
 * - `seal`: a 256-bit data key from KMS GenerateDataKey, with the encryption
 *   context `{shop, purpose}`; the value is AES-256-GCM under it, with the same
 *   context as additional authenticated data. Stored: the KMS-encrypted data
 *   key beside the ciphertext (`env1.<edk>.<iv>.<ciphertext+tag>`, base64url).
 * - `open`: KMS Decrypt of the data key with the same context (KMS refuses any
 *   other: a value sealed for shop A cannot be opened as shop B's), then GCM.
 *
 * Why not the AWS Encryption SDK: it does the same with a larger message
 * format (a signed header, ECDSA P-384 signatures by default), ten more
 * packages in every payment function's bundle, and a keyring API that our
 * IAM conditions and local KMS endpoint would have to follow anyway; the part
 * we need is forty lines of node:crypto. Why not one Secrets Manager secret
 * per shop: docs/scale.md ("PG credentials and billing keys at rest").
 *
 * Caches, both in the container and both bounded by `maxAgeMs` (default 5
 * minutes), so a key disabled or a grant revoked takes effect within it and
 * KMS is not called per item:
 * - decrypted data keys, by their encrypted form (two reads of one value, or
 *   of values sealed together, cost one Decrypt);
 * - the data key used for sealing, per context, for at most `maxUses` values
 *   (the Encryption SDK's caching CMM does the same).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { DecryptCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { SealContext, Sealer } from '../../ports/sealer.ts';

const PREFIX = 'env1';
const DEFAULT_MAX_AGE_MS = 5 * 60_000;
const DEFAULT_MAX_USES = 1_000;
const MAX_CACHED_KEYS = 1_000;

/** The two KMS calls the sealer makes; a KMSClient, or a stub in tests. */
export interface KmsPort {
  send(command: GenerateDataKeyCommand): Promise<{ Plaintext?: Uint8Array; CiphertextBlob?: Uint8Array }>;
  send(command: DecryptCommand): Promise<{ Plaintext?: Uint8Array }>;
}

export interface EnvelopeOptions {
  readonly kms: KmsPort;
  /** The key's ARN (or id/alias): GenerateDataKey needs it; Decrypt is pinned to it too. */
  readonly keyId: string;
  readonly maxAgeMs?: number;
  readonly maxUses?: number;
  readonly now?: () => number;
}

interface SealingKey {
  readonly plaintext: Buffer;
  readonly encrypted: string;
  readonly createdAt: number;
  uses: number;
}

const encryptionContext = (context: SealContext): Record<string, string> => ({ shop: context.shopId, purpose: context.purpose });
const aad = (context: SealContext) => Buffer.from(JSON.stringify([PREFIX, context.shopId, context.purpose]), 'utf8');

export function envelopeSealer(options: EnvelopeOptions): Sealer {
  const maxAgeMs = options.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  const maxUses = options.maxUses ?? DEFAULT_MAX_USES;
  const now = options.now ?? Date.now;
  const sealing = new Map<string, SealingKey>();
  const opened = new Map<string, { plaintext: Buffer; at: number }>();

  const remember = (encrypted: string, plaintext: Buffer) => {
    if (opened.size >= MAX_CACHED_KEYS) opened.delete(opened.keys().next().value as string);
    opened.set(encrypted, { plaintext, at: now() });
  };

  async function sealingKey(context: SealContext): Promise<SealingKey> {
    const id = `${context.shopId}\u0000${context.purpose}`;
    const cached = sealing.get(id);
    if (cached && cached.uses < maxUses && now() - cached.createdAt < maxAgeMs) return cached;
    const answer = await options.kms.send(new GenerateDataKeyCommand({ KeyId: options.keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext(context) }));
    if (!answer.Plaintext || !answer.CiphertextBlob) throw new Error('KMS GenerateDataKey answered without a data key');
    const key: SealingKey = { plaintext: Buffer.from(answer.Plaintext), encrypted: Buffer.from(answer.CiphertextBlob).toString('base64url'), createdAt: now(), uses: 0 };
    if (sealing.size >= MAX_CACHED_KEYS) sealing.delete(sealing.keys().next().value as string);
    sealing.set(id, key);
    remember(key.encrypted, key.plaintext);
    return key;
  }

  async function dataKey(encrypted: string, context: SealContext): Promise<Buffer> {
    const cached = opened.get(encrypted);
    if (cached && now() - cached.at < maxAgeMs) return cached.plaintext;
    const answer = await options.kms.send(
      new DecryptCommand({ KeyId: options.keyId, CiphertextBlob: Buffer.from(encrypted, 'base64url'), EncryptionContext: encryptionContext(context) }),
    );
    if (!answer.Plaintext) throw new Error('KMS Decrypt answered without the data key');
    const plaintext = Buffer.from(answer.Plaintext);
    remember(encrypted, plaintext);
    return plaintext;
  }

  return {
    isSealed: (value) => value.startsWith(`${PREFIX}.`),

    async seal(plaintext, context) {
      const key = await sealingKey(context);
      key.uses += 1;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key.plaintext, iv);
      cipher.setAAD(aad(context));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return [PREFIX, key.encrypted, iv.toString('base64url'), body.toString('base64url')].join('.');
    },

    async open(sealed, context) {
      const [prefix, encrypted, iv, body, ...rest] = sealed.split('.');
      if (prefix !== PREFIX || !encrypted || !iv || !body || rest.length > 0) throw new Error('Not a sealed value');
      const key = await dataKey(encrypted, context);
      const bytes = Buffer.from(body, 'base64url');
      if (bytes.length < 16) throw new Error('Sealed value is truncated');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(aad(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    },
  };
}

/** The sealer as configured by the environment: KMS (AWS_ENDPOINT_URL_KMS locally) and the key SECRETS_KMS_KEY_ID names. */
export function envelopeSealerFromEnv(keyId: string | undefined): Sealer {
  if (!keyId) {
    // Functions that never seal or open (no KMS grant) get one that says so when misused.
    const missing = async (): Promise<never> => {
      throw new Error('SECRETS_KMS_KEY_ID is not set: only functions that declare usesGateway or sealsPgCredentials in system/functions.ts may seal or open secrets');
    };
    return { seal: missing, open: missing, isSealed: (value) => value.startsWith(`${PREFIX}.`) };
  }
  return envelopeSealer({ kms: new KMSClient({}), keyId });
}

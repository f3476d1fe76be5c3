/**
 * Local KMS: the two operations the envelope sealer calls
 * (functions/adapters/crypto/envelope.ts), GenerateDataKey and Decrypt, in
 * KMS's own wire protocol (AWS JSON 1.1, `X-Amz-Target: TrentService.*`), so
 * handlers reach it through AWS_ENDPOINT_URL_KMS with the same SDK calls they
 * make in AWS. Like KMS it binds each data key to its encryption context: a
 * Decrypt with another context (another shop) is refused with
 * InvalidCiphertextException. The master key lives in LOCAL_DATA/kms-master.key
 * (created on first start), or in memory with LOCAL_DATA=memory.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { listen, readBody, type Listening } from './net.ts';

/** The key id handlers get in SECRETS_KMS_KEY_ID locally. */
export const LOCAL_KMS_KEY_ID = 'arn:aws:kms:ap-northeast-2:000000000000:key/local-subscriptions';
const MAGIC = Buffer.from('LKMS');

function masterKey(dataDir: string | null): Buffer {
  if (!dataDir) return randomBytes(32);
  const file = join(dataDir, 'kms-master.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const key = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}

const contextAad = (context: unknown) => {
  const entries = Object.entries((context ?? {}) as Record<string, string>).sort(([a], [b]) => a.localeCompare(b));
  return Buffer.from(JSON.stringify([LOCAL_KMS_KEY_ID, entries]), 'utf8');
};

class KmsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export async function startKms(options: { host: string; port: number; dataDir: string | null }): Promise<Listening & { readonly keyId: string }> {
  const master = masterKey(options.dataDir);
  const knownKey = (keyId: unknown) => {
    if (keyId !== undefined && keyId !== LOCAL_KMS_KEY_ID) throw new KmsError('NotFoundException', `Key '${String(keyId)}' does not exist (the local KMS has ${LOCAL_KMS_KEY_ID})`);
  };

  const operations: Record<string, (input: Record<string, unknown>) => Record<string, unknown>> = {
    GenerateDataKey(input) {
      knownKey(input.KeyId ?? '');
      if (input.KeySpec !== 'AES_256' && input.NumberOfBytes !== 32) throw new KmsError('ValidationException', 'The local KMS issues AES_256 data keys only.');
      const plaintext = randomBytes(32);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', master, iv);
      cipher.setAAD(contextAad(input.EncryptionContext));
      const blob = Buffer.concat([MAGIC, iv, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      return { KeyId: LOCAL_KMS_KEY_ID, Plaintext: plaintext.toString('base64'), CiphertextBlob: blob.toString('base64') };
    },
    Decrypt(input) {
      knownKey(input.KeyId);
      const blob = Buffer.from(String(input.CiphertextBlob ?? ''), 'base64');
      if (blob.length !== 4 + 12 + 32 + 16 || !blob.subarray(0, 4).equals(MAGIC)) throw new KmsError('InvalidCiphertextException', 'Not a ciphertext of the local KMS.');
      try {
        const decipher = createDecipheriv('aes-256-gcm', master, blob.subarray(4, 16));
        decipher.setAAD(contextAad(input.EncryptionContext));
        decipher.setAuthTag(blob.subarray(48));
        const plaintext = Buffer.concat([decipher.update(blob.subarray(16, 48)), decipher.final()]);
        return { KeyId: LOCAL_KMS_KEY_ID, Plaintext: plaintext.toString('base64'), EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
      } catch {
        // What KMS answers for a wrong encryption context, too.
        throw new KmsError('InvalidCiphertextException', 'The ciphertext or its encryption context is not valid.');
      }
    },
  };

  const server = createServer(async (request, response) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const body = await readBody(request);
    const reply = (status: number, payload: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(payload));
    };
    try {
      const operation = target.startsWith('TrentService.') ? operations[target.slice('TrentService.'.length)] : undefined;
      if (!operation) throw new KmsError('UnknownOperationException', `The local KMS serves GenerateDataKey and Decrypt only (got ${target || 'no target'}).`);
      reply(200, operation(body === '' ? {} : (JSON.parse(body) as Record<string, unknown>)));
    } catch (error) {
      const kmsError = error instanceof KmsError ? error : new KmsError('KMSInternalException', 'The local KMS failed.');
      reply(400, { __type: kmsError.type, message: kmsError.message });
    }
  });
  const listening = await listen(server, options.port, options.host);
  return { ...listening, keyId: LOCAL_KMS_KEY_ID };
}

import type { SealPurpose } from '../../system/payment-gateways.ts';

/**
 * Application-level encryption of one shop's secrets (PG credentials, buyers'
 * billing keys): what the core asks of it. The adapter
 * (functions/adapters/crypto/envelope.ts) is envelope encryption under one KMS
 * key, with the shop id and the purpose as encryption context, so a value
 * sealed for one shop cannot be opened as another's.
 */
export interface SealContext {
  readonly shopId: string;
  readonly purpose: SealPurpose;
}

export interface Sealer {
  /** Encrypts `plaintext` for `context`; the result is a printable string safe to store. */
  seal(plaintext: string, context: SealContext): Promise<string>;
  /** Decrypts what `seal` produced for the same context; throws on any other context or a tampered value. */
  open(sealed: string, context: SealContext): Promise<string>;
  /** True when `value` is a sealed value (not a plaintext one written by an older version). */
  isSealed(value: string): boolean;
}

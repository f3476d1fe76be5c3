/**
 * A new endpoint secret, in its own module: registering an endpoint needs only node:crypto, so its function
 * does not bundle the Standard Webhooks signer (signer.ts, 12 KB with its hashing and base64 code).
 */
import { randomBytes } from 'node:crypto';

/** `whsec_` and 24 random bytes in base64 (the format Standard Webhooks libraries take). */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

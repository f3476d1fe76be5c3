/**
 * Standard Webhooks signing (issue 13) with the `standardwebhooks` package — the reference implementation
 * merchants' verifiers are tested against — rather than our own HMAC: `webhook-signature` is
 * `v1,<base64 HMAC-SHA256("{id}.{timestamp}.{body}")>` under the endpoint's `whsec_` secret.
 */
import { Webhook } from 'standardwebhooks';

export interface SignedDelivery {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
}

/** The three headers of one attempt: the event's id, this attempt's time (epoch seconds) and the signature. */
export function signDelivery(secret: string, delivery: { readonly id: string; readonly at: Date; readonly body: string }): SignedDelivery {
  const timestamp = new Date(Math.floor(delivery.at.getTime() / 1000) * 1000);
  return {
    'webhook-id': delivery.id,
    'webhook-timestamp': String(timestamp.getTime() / 1000),
    'webhook-signature': new Webhook(secret).sign(delivery.id, timestamp, delivery.body),
  };
}

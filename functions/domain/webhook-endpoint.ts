/**
 * A shop's webhook endpoints and the record of each delivery (issue 13), as the core sees them: what is
 * stored, what the merchant is shown, and the limits. The retry rules are in ./webhook.ts.
 */
import type { EventType } from '../../system/events.ts';
import { RETRY_DELAYS_SECONDS } from './webhook.ts';

/** Endpoints one shop may register (409 WEBHOOK_LIMIT_REACHED beyond). */
export const MAX_WEBHOOK_ENDPOINTS = 10;
/** How long a delivery's record is kept (TTL): well past the ~31.6 h retry schedule. */
export const DELIVERY_RETENTION_DAYS = 30;
/** Attempts one delivery gets: the first and one per retry delay. */
export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_SECONDS.length + 1;

export interface WebhookEndpoint {
  readonly shopId: string;
  readonly id: string;
  readonly url: string;
  readonly events: readonly EventType[];
  readonly createdAt: string;
}

/** An endpoint as stored: its signing secret sealed (purpose webhook-secret), opened only by the delivery worker. */
export interface StoredWebhookEndpoint extends WebhookEndpoint {
  readonly sealedSecret: string;
}

/** One try of one delivery: when, what the endpoint answered (none on a timeout or a refused address), how long it took. */
export interface DeliveryAttempt {
  readonly attempt: number;
  readonly at: string;
  readonly statusCode?: number;
  readonly durationMs: number;
  /** Why there is no status code: timeout, connection refused, private address… */
  readonly error?: string;
  /** When the next attempt is due; absent after a success or the last attempt. */
  readonly nextAttemptAt?: string;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** Which delivery: one event to one endpoint. `eventAt` orders a endpoint's deliveries newest first. */
export interface DeliveryRef {
  readonly shopId: string;
  readonly endpointId: string;
  readonly eventId: string;
  readonly eventAt: string;
}

export interface WebhookDelivery extends DeliveryRef {
  readonly eventType: EventType;
  /** The exact body every attempt sends (and signs): `{type, timestamp, shopId, data}`. */
  readonly body: string;
  readonly status: DeliveryStatus;
  readonly attempts: readonly DeliveryAttempt[];
}

/** Webhook endpoints and their deliveries (issue 13): documentation side (functions/api/operation-docs.ts). */
import * as z from '../../core/validation.ts';
import { EVENT_TYPES } from '../../../system/events.ts';
import { MAX_WEBHOOK_ENDPOINTS } from '../../domain/webhook-endpoint.ts';
import { RETRY_DELAYS_SECONDS } from '../../domain/webhook.ts';
import { notFound, shopNotFound, type AreaDocs } from '../operation-docs.ts';
import { pageOf, timestampSchema } from '../common.view.ts';

const eventTypeSchema = z.enum(EVENT_TYPES);

const endpointView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(eventTypeSchema),
  createdAt: timestampSchema,
});

const attemptView = z.object({
  attempt: z.int(),
  at: z.string().check(z.describe('When the attempt was made (ISO 8601)')),
  statusCode: z.optional(z.int()).check(z.describe("The endpoint's answer; absent on a timeout, a refused connection or a private address")),
  durationMs: z.int(),
  error: z.optional(z.string()),
  nextAttemptAt: z.optional(z.string()).check(z.describe('When the next attempt is due; absent after a 2xx or the last attempt')),
});

const deliveryView = z.object({
  eventId: z.string().check(z.describe('The webhook-id header: the event id, the same on every attempt')),
  eventType: eventTypeSchema,
  eventAt: z.string(),
  status: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
  attempts: z.array(attemptView),
});

const schedule = RETRY_DELAYS_SECONDS.map((seconds) => (seconds < 60 ? `${seconds} s` : seconds < 3600 ? `${seconds / 60} min` : `${seconds / 3600} h`)).join(', ');
const noEndpoint = notFound('The webhook endpoint');

export const webhooksDocs = {
  createWebhook: {
    summary:
      'Register an endpoint for some event types; answers its signing secret (`whsec_…`) once. Deliveries are signed per Standard Webhooks ' +
      '(webhook-id, webhook-timestamp, webhook-signature) and retried after ' + schedule + ' until a 2xx. ' +
      `At most ${MAX_WEBHOOK_ENDPOINTS} endpoints per shop. An Idempotency-Key replay answers the endpoint without its secret (never kept in clear).`,
    response: z.extend(endpointView, { secret: z.string().check(z.describe('The signing secret, shown this once')) }),
    errors: [shopNotFound, { status: 409, code: 'WEBHOOK_LIMIT_REACHED', when: `the shop already has ${MAX_WEBHOOK_ENDPOINTS} endpoints` }],
  },
  listWebhooks: {
    summary: "The shop's webhook endpoints (never their secrets)",
    response: z.object({ items: z.array(endpointView) }),
    errors: [],
  },
  deleteWebhook: {
    summary: 'Delete an endpoint: nothing more is delivered to it, retries included',
    errors: [noEndpoint],
  },
  listWebhookDeliveries: {
    summary: "An endpoint's deliveries, newest first, each with its attempts (kept 30 days)",
    response: pageOf(deliveryView),
    errors: [noEndpoint],
  },
} satisfies AreaDocs;

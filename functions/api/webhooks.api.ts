import * as z from '../core/validation.ts';
import * as fn from '../../system/functions.ts';
import { MAX_WEBHOOK_ENDPOINTS } from '../domain/webhook-endpoint.ts';
import { RETRY_DELAYS_SECONDS } from '../domain/webhook.ts';
import { idSchema, pageOf, pageQuery, timestampSchema } from './common.schema.ts';
import { EVENT_TYPE_SCHEMA } from './events.api.ts';
import { defineOperation, notFound, operationsOf } from './operation.ts';

const endpointView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(EVENT_TYPE_SCHEMA),
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
  eventType: EVENT_TYPE_SCHEMA,
  eventAt: z.string(),
  status: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
  attempts: z.array(attemptView),
});

const schedule = RETRY_DELAYS_SECONDS.map((seconds) => (seconds < 60 ? `${seconds} s` : seconds < 3600 ? `${seconds / 60} min` : `${seconds / 3600} h`)).join(', ');
const endpointParams = z.strictObject({ webhookId: idSchema });
const noEndpoint = notFound('The webhook endpoint');

export const webhooksApi = operationsOf({
  createWebhook: defineOperation({
    route: fn.createWebhook,
    summary:
      'Register an endpoint for some event types; answers its signing secret (`whsec_…`) once. Deliveries are signed per Standard Webhooks ' +
      '(webhook-id, webhook-timestamp, webhook-signature) and retried after ' + schedule + ' until a 2xx. ' +
      `At most ${MAX_WEBHOOK_ENDPOINTS} endpoints per shop. An Idempotency-Key replay answers the endpoint without its secret (never kept in clear).`,
    body: z.strictObject({
      url: z.string().check(z.maxLength(2048), z.describe('https:// and a public host (http://localhost only on the local runtime)')),
      events: z.array(EVENT_TYPE_SCHEMA).check(z.minLength(1), z.maxLength(EVENT_TYPE_SCHEMA.options.length)),
    }),
    response: { status: 201, schema: z.extend(endpointView, { secret: z.string().check(z.describe('The signing secret, shown this once')) }) },
    errors: [notFound('The shop'), { status: 409, code: 'WEBHOOK_LIMIT_REACHED', when: `the shop already has ${MAX_WEBHOOK_ENDPOINTS} endpoints` }],
    replayWithout: ['secret'],
  }),
  listWebhooks: defineOperation({
    route: fn.listWebhooks,
    summary: "The shop's webhook endpoints (never their secrets)",
    response: { status: 200, schema: z.object({ items: z.array(endpointView) }) },
    errors: [],
  }),
  deleteWebhook: defineOperation({
    route: fn.deleteWebhook,
    summary: 'Delete an endpoint: nothing more is delivered to it, retries included',
    params: endpointParams,
    response: { status: 204, schema: z.undefined() },
    errors: [noEndpoint],
  }),
  listWebhookDeliveries: defineOperation({
    route: fn.listWebhookDeliveries,
    summary: "An endpoint's deliveries, newest first, each with its attempts (kept 30 days)",
    params: endpointParams,
    query: pageQuery,
    response: { status: 200, schema: pageOf(deliveryView) },
    errors: [noEndpoint],
  }),
});

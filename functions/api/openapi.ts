/**
 * The OpenAPI 3.1 document, built from the operations: their request side (operations.ts) — the same zod
 * schemas that validate requests describe them (JSON Schema 2020-12, which OpenAPI 3.1 uses as is) — and their
 * documentation side (docs.ts): summary, seed rules, response schema and every error code each can answer.
 * The one runtime module that reads the documentation side: only the openApi function's bundle carries it.
 */
import * as z from '../core/validation.ts';
import { docs } from './docs.ts';
import type { Operation } from './operation.ts';
import type { OperationDocs } from './operation-docs.ts';
import { operations } from './operations.ts';
import { EVENT_TYPES } from '../../system/events.ts';
import { EVENT_DATA, eventEnvelope } from './events.docs.ts';
import { IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_TTL_SECONDS } from '../http/idempotency-key.ts';

type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const errorBody = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

function errorResponse(codes: Array<{ code: string; when: string }>) {
  return {
    description: codes.map(({ code, when }) => `\`${code}\`: ${when}`).join('; '),
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' }, examples: Object.fromEntries(codes.map(({ code, when }) => [code, { value: { error: { code, message: when, details: [] } } }])) } },
  };
}

function parameters(schema: z.ZodMiniType | undefined, location: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input');
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

/** Issue 13: the routes that create or charge take an Idempotency-Key (functions/http/idempotency.ts). */
const IDEMPOTENCY_ERRORS = {
  inProgress: { code: 'IDEMPOTENCY_KEY_IN_PROGRESS', when: 'a request with this Idempotency-Key is still running; retry shortly for its answer' },
  reused: { code: 'IDEMPOTENCY_KEY_REUSED', when: 'this Idempotency-Key was used with a different path or body' },
};

const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    `A key of your choosing (a UUID) that makes a retry safe: for ${IDEMPOTENCY_TTL_SECONDS / 3600} hours, a repeat with the same key and the same request answers the first answer again (with the header \`Idempotent-Replayed: true\`) instead of running twice. ` +
    'Scoped to the caller (shop and subject). Refusals are not kept: a repeat of a refused request runs again.',
  schema: { type: 'string', minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
};

function describeOperation(operation: Operation, documentation: OperationDocs) {
  const { route } = operation;
  const responses: Record<string, unknown> = {
    [operation.status]:
      operation.status === 204 || !documentation.response
        ? { description: 'Success, no content' }
        : { description: 'Success', content: { [operation.contentType ?? 'application/json']: { schema: jsonSchema(documentation.response, 'output') } } },
  };
  const byStatus = new Map<number, Array<{ code: string; when: string }>>();
  const add = (status: number, code: string, when: string) => byStatus.set(status, [...(byStatus.get(status) ?? []), { code, when }]);
  if (operation.body || operation.params || operation.query) add(400, 'VALIDATION_FAILED', 'the body, path or query is not valid; one detail per field');
  if (operation.query && 'cursor' in (jsonSchema(operation.query, 'input').properties ?? {})) add(400, 'INVALID_CURSOR', 'the cursor is not one this list handed out for this query');
  if (route.auth !== 'public') {
    add(401, 'UNAUTHENTICATED', 'no valid bearer token');
    add(403, 'FORBIDDEN', `the token's role is not ${route.auth}`);
  }
  for (const error of documentation.errors) add(error.status, error.code, error.when);
  if (route.idempotent) {
    add(409, IDEMPOTENCY_ERRORS.inProgress.code, IDEMPOTENCY_ERRORS.inProgress.when);
    add(422, IDEMPOTENCY_ERRORS.reused.code, IDEMPOTENCY_ERRORS.reused.when);
  }
  add(500, 'INTERNAL_ERROR', 'something failed on our side; nothing internal is shown');
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) responses[status] = errorResponse(codes);

  return {
    operationId: operation.name,
    summary: documentation.summary,
    ...(documentation.rules?.length ? { description: `Seed rules: ${documentation.rules.join(', ')}.` } : {}),
    tags: [route.auth === 'public' ? 'public' : route.auth],
    security: route.auth === 'public' ? [] : [{ bearer: [] }],
    parameters: [...parameters(operation.params, 'path'), ...parameters(operation.query, 'query'), ...(route.idempotent ? [idempotencyKeyParameter] : [])],
    ...(operation.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(operation.body, 'input') } } } } : {}),
    responses,
  };
}

const signatureHeaders = [
  { name: 'webhook-id', description: "The event's id: the same for every attempt of one event (drop a repeat)" },
  { name: 'webhook-timestamp', description: 'Epoch seconds of this attempt; refuse one far from your clock (replay protection)' },
  { name: 'webhook-signature', description: '`v1,<base64 HMAC-SHA256 of "{webhook-id}.{webhook-timestamp}.{body}" under the endpoint secret (whsec_…)>`; verify with any Standard Webhooks library' },
].map(({ name, description }) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } }));

/**
 * The `webhooks` section (OpenAPI 3.1): one entry per event type a shop may subscribe an endpoint to
 * (POST /admin/webhooks), with its body and the Standard Webhooks signature headers.
 */
function webhooks(): Record<string, unknown> {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `event:${type}`,
          summary: (z.globalRegistry.get(EVENT_DATA[type])?.description as string | undefined) ?? type,
          description: 'Delivered to every endpoint of the shop subscribed to this type, signed per the Standard Webhooks scheme; any 2xx within 15 s acknowledges it, anything else is retried with backoff for more than 24 hours.',
          parameters: signatureHeaders,
          requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(eventEnvelope(type), 'output') } } },
          responses: { '2XX': { description: 'Received; no retry' } },
        },
      },
    ]),
  );
}

let built: Record<string, unknown> | undefined;

/** Built once per container. */
export function openApiDocument(): Record<string, unknown> {
  if (built) return built;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, operation] of Object.entries(operations) as Array<[keyof typeof operations, Operation]>) {
    const path = (paths[operation.route.path] ??= {});
    path[operation.route.method.toLowerCase()] = describeOperation(operation, docs[name]);
  }
  built = {
    openapi: '3.1.0',
    info: {
      title: 'Subscription commerce API (정기배송 · 정기결제)',
      version: '0.1.0',
      description:
        'Recurring delivery with recurring card payment. Money is integer KRW; dates are YYYY-MM-DD in Asia/Seoul; timestamps carry the +09:00 offset. ' +
        'The "Seed rules" S1–S24 of each operation are the rules of the service this API re-implements: docs/rules.md in the repository says what each means and where its code and tests are.',
    },
    tags: [
      { name: 'public', description: 'No token' },
      { name: 'customer', description: 'Role customer: storefront buyers' },
      { name: 'admin', description: "Role admin: a merchant; the shop comes from the token's shop claim" },
      { name: 'platform', description: 'Role platform: the hosting platform' },
    ],
    paths,
    webhooks: webhooks(),
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Claims: sub, shop, role (customer | admin | platform)' } },
      schemas: { Error: errorBody },
    },
  };
  return built;
}

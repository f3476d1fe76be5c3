/**
 * The HTTP primary adapter: every API handler is `httpHandler(operation, action)`, with
 * its own operation's request side (functions/api/operation.ts).
 * It authenticates from the claims API Gateway's JWT authorizer (or the local
 * server, which plays its part) put on the event, checks the route's role from
 * system/functions.ts, validates body, path and query with zod, runs the use
 * case and maps errors. This is the one place errors become HTTP: AppErrors
 * show their code and message; anything else is a generic 500 that leaks nothing.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import type * as z from '../core/validation.ts';
import type { HttpFunction, Role } from '../../system/functions.ts';
import type { Operation } from '../api/operation.ts';
import { AppError, Forbidden, Unauthenticated, ValidationFailed, type ErrorDetail } from '../core/errors.ts';
import { logger } from '../core/logger.ts';
import { flushMetrics, lambdaContextInLogs } from '../core/observability.ts';
import type { idempotentRoute } from './idempotency.ts';
import { idempotencyKeyFrom } from './idempotency-key.ts';

/** Who is calling, from the verified token's claims. */
export interface Principal {
  readonly sub: string;
  readonly shop: string;
  readonly role: Role;
}

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type HttpResponse = APIGatewayProxyResultV2 & { statusCode: number; body: string; headers: Record<string, string> };

/** What an action answers: the body, and optionally a status other than the operation's success status. */
export interface HttpResult {
  readonly status?: number;
  readonly body: unknown;
}

export const reply = (body: unknown, status?: number): HttpResult => (status === undefined ? { body } : { status, body });

/** A body other than JSON (the orders CSV, issue 13): sent as it is, with its media type and extra headers. */
export interface TextResult extends HttpResult {
  readonly body: string;
  readonly text: { readonly contentType: string; readonly headers?: Readonly<Record<string, string>> };
}

export const replyText = (body: string, contentType: string, headers: Readonly<Record<string, string>> = {}): TextResult => ({ body, text: { contentType, headers } });

export interface HttpInput<B, P, Q, Auth> {
  readonly body: B;
  readonly params: P;
  readonly query: Q;
  readonly principal: Auth;
}

type PrincipalFor<R extends HttpFunction> = R['auth'] extends 'public' ? null : Principal;

const ROLES: readonly string[] = ['customer', 'admin', 'platform'];

function principalFrom(event: HttpEvent, route: HttpFunction): Principal | null {
  if (route.auth === 'public') return null;
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  const shop = claims?.shop;
  const role = claims?.role;
  if (typeof sub !== 'string' || typeof shop !== 'string' || typeof role !== 'string' || !ROLES.includes(role)) {
    throw new Unauthenticated();
  }
  // Access tokens only (system/auth.ts): an ID token says who someone is, not what this API may do for them.
  if (claims?.token_use !== undefined && claims.token_use !== 'access') throw new Unauthenticated('An access token is required; ID tokens are not accepted.');
  if (role !== route.auth) throw new Forbidden();
  return { sub, shop, role: role as Role };
}

function issuesToDetails(issues: readonly z.core.$ZodIssue[], prefix: string): ErrorDetail[] {
  return issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }));
}

function parseJsonBody(event: HttpEvent): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationFailed([{ path: 'body', message: 'The body is not valid JSON.' }]);
  }
}

/** Validates every part and reports all failures at once, body fields by their own path. */
function validate<B, P, Q>(spec: Pick<Operation<HttpFunction, B, P, Q>, 'body' | 'params' | 'query'>, event: HttpEvent): { body: B; params: P; query: Q } {
  const details: ErrorDetail[] = [];
  const run = <T>(schema: z.ZodMiniType<T> | undefined, value: unknown, prefix: string): T => {
    if (!schema) return undefined as T;
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    details.push(...issuesToDetails(result.error.issues, prefix));
    return undefined as T;
  };
  const body = run(spec.body, parseJsonBody(event), '');
  const params = run(spec.params, event.pathParameters ?? {}, 'path');
  const query = run(spec.query, event.queryStringParameters ?? {}, 'query');
  if (details.length > 0) throw new ValidationFailed(details);
  return { body, params, query };
}

function json(statusCode: number, body: unknown): HttpResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    // A trailing newline, so that `curl` leaves the prompt on a line of its own.
    body: `${JSON.stringify(body)}\n`,
  };
}

/** Maps any thrown value to the contract's error body. */
export function errorResponse(error: unknown): HttpResponse {
  if (error instanceof AppError) {
    if (error.status >= 500) logger.error('Service unavailable', { error: error as Error, ...Object.fromEntries(Object.entries(error).filter(([key]) => key !== 'details')) });
    return json(error.status, { error: { code: error.code, message: error.message, details: error.details } });
  }
  logger.error('Unhandled error', { error: error as Error });
  return json(500, { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side. Please try again later.', details: [] } });
}

/** An answer without the top-level fields a replay must not carry (Operation.replayWithout). */
function withoutFields(fields: readonly string[] | undefined): ((response: HttpResponse) => HttpResponse) | undefined {
  if (!fields?.length) return undefined;
  return (response) => {
    if (!response.body) return response;
    const body = JSON.parse(response.body) as Record<string, unknown>;
    for (const field of fields) delete body[field];
    return { statusCode: response.statusCode, headers: response.headers, body: `${JSON.stringify(body)}\n` } as HttpResponse;
  };
}

const redactFor = (fields: readonly string[] | undefined) => {
  const redact = withoutFields(fields);
  return redact ? { redact } : {};
};

/** Builds the Lambda handler of one HTTP operation (its request side: functions/api/operation.ts). */
export function httpHandler<R extends HttpFunction, B, P, Q>(
  operation: Operation<R, B, P, Q>,
  action: (input: HttpInput<B, P, Q, PrincipalFor<R>>) => Promise<HttpResult>,
  /**
   * Routes declared `idempotent` in system/functions.ts honour Idempotency-Key: their handler passes
   * `{ idempotency: idempotentRoute }` (functions/http/idempotency.ts), so that only their bundles carry it.
   */
  options: { readonly idempotency?: typeof idempotentRoute } = {},
) {
  if (operation.route.idempotent && !options.idempotency) throw new Error(`${operation.name} is declared idempotent: its handler passes { idempotency: idempotentRoute }`);
  // The Idempotency-Key partition is named after the function (Operation.name).
  const replayable = operation.route.idempotent && options.idempotency ? options.idempotency<HttpResponse>(operation.name, redactFor(operation.replayWithout)) : undefined;
  return middy<HttpEvent, HttpResponse, Error, Context>()
    .use(lambdaContextInLogs() as MiddlewareObj<HttpEvent, HttpResponse, Error, Context>)
    .use(flushMetrics() as MiddlewareObj<HttpEvent, HttpResponse, Error, Context>)
    .use({
      onError: async (request) => {
        request.response = errorResponse(request.error);
      },
    })
    .handler(async (event, context) => {
      const principal = principalFrom(event, operation.route) as PrincipalFor<R>;
      const idempotencyKey = replayable ? idempotencyKeyFrom(event.headers) : undefined;
      const { body, params, query } = validate(operation, event);
      const respond = async (): Promise<HttpResponse> => {
        const result = await action({ body, params, query, principal });
        const status = result.status ?? operation.status;
        logger.info('Request handled', { route: `${operation.route.method} ${operation.route.path}`, status, shop: principal?.shop });
        // Responses never carry secrets (billing keys stay in the backend); DEBUG shows them whole for local diagnosis.
        logger.debug('Response body', { body: result.body });
        if (status === 204) return { statusCode: 204, headers: { 'cache-control': 'no-store' }, body: '' };
        if ('text' in result) {
          const { contentType, headers } = (result as TextResult).text;
          return { statusCode: status, headers: { ...headers, 'content-type': contentType, 'cache-control': 'no-store' }, body: (result as TextResult).body };
        }
        return json(status, result.body);
      };
      if (!replayable || idempotencyKey === undefined || principal === null) return respond();
      return replayable({ key: { shop: principal.shop, sub: principal.sub, idempotencyKey }, request: { params, body } }, context, respond);
    });
}

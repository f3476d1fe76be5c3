/**
 * An API operation's request side: what its handler needs at run time — the route from system/functions.ts,
 * the schemas that validate its body, path and query, its success status, and what an Idempotency-Key replay
 * leaves out. functions/http/http-handler.ts validates with it, and the OpenAPI document
 * (functions/api/openapi.ts) describes requests with the very same schemas, so the documentation cannot drift
 * from the code.
 *
 * Each operation lives in a module of its own (`<area>/<name>.operation.ts`) and its handler imports that one
 * module: a bundle carries its own operation's request side, never the other operations of its area nor any
 * response schema (issue 12's budget; test/unit/bundle-imports.test.ts). The documentation side — summary,
 * seed rules, response schema, errors — is the area's `*.docs.ts` (functions/api/operation-docs.ts), which
 * only openapi.ts and the tests import.
 */
import type * as z from '../core/validation.ts';
import type { FUNCTIONS, FunctionName, HttpFunction } from '../../system/functions.ts';

/** The catalogue's HTTP functions: each has exactly one operation (functions/api/operations.ts). */
export type HttpFunctionName = { [K in FunctionName]: (typeof FUNCTIONS)[K]['kind'] extends 'http' ? K : never }[FunctionName];

/** 204: no body. */
export type SuccessStatus = 200 | 201 | 202 | 204;

export interface Operation<R extends HttpFunction = HttpFunction, B = unknown, P = unknown, Q = unknown, S extends SuccessStatus = SuccessStatus> {
  /** Its function name in system/functions.ts; the Idempotency-Key partition is named after it. */
  readonly name: string;
  readonly route: R;
  readonly body?: z.ZodMiniType<B>;
  readonly params?: z.ZodMiniType<P>;
  readonly query?: z.ZodMiniType<Q>;
  /** The success status (an action may answer another: `reply(body, status)`). */
  readonly status: S;
  /** A body other than JSON (the orders CSV): its media type; the handler answers it with `replyText`. */
  readonly contentType?: 'text/csv';
  /**
   * Top-level answer fields an Idempotency-Key replay leaves out: a secret shown once is never kept in clear,
   * not even in the 24-hour idempotency record (functions/http/idempotency.ts).
   */
  readonly replayWithout?: readonly string[];
}

/**
 * Declares the operation of the function `name`, with its types inferred from the schemas; `route` must be that
 * function's own catalogue entry (`fn.checkOut` for 'checkOut'), which the compiler checks.
 */
export function defineOperation<N extends HttpFunctionName, B = undefined, P = undefined, Q = undefined, S extends SuccessStatus = SuccessStatus>(
  name: N,
  operation: Omit<Operation<(typeof FUNCTIONS)[N], B, P, Q, S>, 'name'>,
): Operation<(typeof FUNCTIONS)[N], B, P, Q, S> & { readonly name: N } {
  return { name, ...operation };
}

/**
 * An API operation: the route from system/functions.ts plus everything the
 * HTTP edge needs to know about it — its input schemas, its success response
 * and the business errors it may answer. The same object validates requests
 * (functions/http/http-handler.ts) and documents them (`GET /openapi.json`),
 * so the documentation cannot drift from the code.
 */
import type * as z from '../core/validation.ts';
import type { HttpFunction } from '../../system/functions.ts';

export interface ErrorSpec {
  readonly status: 404 | 409 | 422;
  readonly code: string;
  readonly when: string;
}

export interface Operation<R extends HttpFunction = HttpFunction, B = unknown, P = unknown, Q = unknown> {
  readonly route: R;
  readonly summary: string;
  /** Seed rules this operation implements, e.g. ['S1', 'S3']. */
  readonly rules?: readonly string[];
  readonly body?: z.ZodMiniType<B>;
  readonly params?: z.ZodMiniType<P>;
  readonly query?: z.ZodMiniType<Q>;
  /** 204: no body (the schema is z.undefined()). */
  readonly response: {
    readonly status: 200 | 201 | 202 | 204;
    readonly schema: z.ZodMiniType;
    /** A body other than JSON (the orders CSV): its media type; the handler answers it with `replyText`. */
    readonly contentType?: 'text/csv';
  };
  /** Business refusals beyond the standard 400/401/403/500 (added for every operation as they apply). */
  readonly errors: readonly ErrorSpec[];
  /**
   * Top-level answer fields an Idempotency-Key replay leaves out: a secret shown once is never kept in clear,
   * not even in the 24-hour idempotency record (functions/http/idempotency.ts).
   */
  readonly replayWithout?: readonly string[];
  /** Its function name in system/functions.ts, stamped by `operationsOf` (the Idempotency-Key partition is named after it). */
  readonly name?: string;
}

/** Declares an operation with its types inferred from the schemas. */
export function defineOperation<R extends HttpFunction, B = undefined, P = undefined, Q = undefined>(operation: Operation<R, B, P, Q>): Operation<R, B, P, Q> {
  return operation;
}

export const notFound = (what: string): ErrorSpec => ({ status: 404, code: 'NOT_FOUND', when: `${what} does not exist, or belongs to another shop or customer` });

/**
 * An API module's operations, keyed by their function names in system/functions.ts, each stamped with that
 * name (functions/api/operations.ts checks the keys against the catalogue).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own precise type
export function operationsOf<T extends Record<string, Operation<any, any, any, any>>>(operations: T): { readonly [K in keyof T]: T[K] & { readonly name: K } } {
  return Object.fromEntries(Object.entries(operations).map(([name, operation]) => [name, { ...operation, name }])) as { readonly [K in keyof T]: T[K] & { readonly name: K } };
}

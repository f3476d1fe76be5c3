/**
 * An API operation's documentation side: what the OpenAPI document (functions/api/openapi.ts) says of it beyond
 * its request side (functions/api/operation.ts) — summary, seed rules, the success body's schema and the
 * business errors it may answer. Each area keeps these in its `*.docs.ts`; functions/api/docs.ts gathers them,
 * and its type makes a missing operation, or a response schema missing (or given for a 204), a compile error.
 * Only openapi.ts and the tests import them: no handler bundle carries a response schema (issue 12).
 */
import type * as z from '../core/validation.ts';
import type { HttpFunctionName } from './operation.ts';

export interface ErrorSpec {
  readonly status: 404 | 409 | 422;
  readonly code: string;
  readonly when: string;
}

export interface OperationDocs {
  readonly summary: string;
  /** Seed rules this operation implements, e.g. ['S1', 'S3']. */
  readonly rules?: readonly string[];
  /** The success body's schema (for the CSV export, the text's); none for a 204. */
  readonly response?: z.ZodMiniType;
  /** Business refusals beyond the standard 400/401/403/500 (added for every operation as they apply). */
  readonly errors: readonly ErrorSpec[];
}

/** An area's documentation: by function name, only names of HTTP functions. */
export type AreaDocs = Partial<Record<HttpFunctionName, OperationDocs>>;

export const notFound = (what: string): ErrorSpec => ({ status: 404, code: 'NOT_FOUND', when: `${what} does not exist, or belongs to another shop or customer` });

/** Refusals several areas answer in the same words. */
export const shopNotFound = notFound('The shop');
export const subscriptionNotFound = notFound('The subscription');
export const serviceNotActive: ErrorSpec = { status: 409, code: 'SERVICE_NOT_ACTIVE', when: "the shop's subscription service is not active" };
export const serviceStopping: ErrorSpec = { status: 409, code: 'SERVICE_STOPPING', when: 'a stop is in progress' };
export const concurrentUpdate: ErrorSpec = { status: 409, code: 'CONCURRENT_UPDATE', when: 'the subscription kept changing at the same time; retry' };
export const subscriptionNotActive: ErrorSpec = { status: 409, code: 'SUBSCRIPTION_NOT_ACTIVE', when: 'the subscription is cancelled, completed or not paid yet' };

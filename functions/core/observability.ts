/**
 * What every handler gets around it: Powertools Logger with the Lambda context
 * injected (request id, cold start, function name on every line) and the
 * invocation's metrics flushed once at the end (functions/core/metrics.ts).
 * HTTP handlers get the same through httpHandler's middleware chain.
 */
import middy, { type MiddlewareObj } from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { metrics } from './metrics.ts';

/** Flushes this invocation's metrics, if any (Powertools' own middleware warns on every empty flush). */
export function flushMetrics(): MiddlewareObj {
  const flush = async () => {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: flush, onError: flush };
}

/**
 * Powertools' injectLambdaContext, skipped when there is no Lambda context (a test or script calling the
 * handler directly): the logger then simply has no request keys.
 */
export function lambdaContextInLogs(): MiddlewareObj<unknown, unknown, Error, Context> {
  const inject = injectLambdaContext(logger, { resetKeys: true }) as MiddlewareObj<unknown, unknown, Error, Context>;
  return {
    before: async (request) => {
      if (request.context?.awsRequestId) await inject.before?.(request);
    },
    after: inject.after,
    onError: inject.onError,
  };
}

/** Wraps a worker's or a run's handler: logger context in, metrics out. */
export function observed<E, R>(handler: (event: E, context: Context) => Promise<R>): (event: E, context?: Context) => Promise<R> {
  const wrapped = middy<E, R, Error, Context>()
    .use(lambdaContextInLogs() as MiddlewareObj<E, R, Error, Context>)
    .use(flushMetrics() as MiddlewareObj<E, R, Error, Context>)
    .handler(handler);
  return (event, context) => wrapped(event, context ?? ({} as Context));
}

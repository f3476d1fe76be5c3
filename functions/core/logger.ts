import { Logger } from '@aws-lambda-powertools/logger';

/**
 * One structured logger per container. Never log a request body or a PG
 * response whole: they may carry billing keys (see redact in the HTTP adapter).
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'subscriptions' });

/**
 * Where the metrics module (functions/core/metrics.ts) registers its flush when a function imports it, so the
 * middleware that flushes at the end of an invocation (observability.ts) does not import the metrics library
 * into functions that never record a metric.
 */
export const metricFlushers: Array<() => void> = [];

/**
 * The service's business metrics, in one module: Powertools Metrics, written
 * as CloudWatch Embedded Metric Format (EMF) lines that CloudWatch turns into
 * metrics without an API call. lib/constructs/monitoring.ts alarms on and
 * graphs the same names (system/metrics.ts), so the two cannot drift.
 *
 * Handlers record from the outcome reports their use cases already return
 * (the worker handlers, not the use-case internals), and `observed()` flushes
 * once per invocation. Locally the runtime sets POWERTOOLS_METRICS_DISABLED.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC_NAMESPACE, METRICS } from '../../system/metrics.ts';
import { metricFlushers } from './metric-flush.ts';

export const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName: 'subscriptions' });

// Flushed by `observed()` and the HTTP middleware (functions/core/observability.ts) at the end of each invocation.
metricFlushers.push(() => {
  if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
});

/** One data point: a metric name of system/metrics.ts, a count, and at most one dimension. */
export interface Measure {
  readonly name: (typeof METRICS)[keyof typeof METRICS];
  readonly value: number;
  readonly dimension?: { readonly name: string; readonly value: string };
}

/** Adds data points to this invocation's metrics (flushed by `observed`); a dimensioned one is its own EMF record. */
export function record(measures: readonly Measure[]): void {
  for (const measure of measures) {
    if (measure.value === 0) continue;
    if (measure.dimension) {
      const single = metrics.singleMetric();
      single.addDimension(measure.dimension.name, measure.dimension.value);
      single.addMetric(measure.name, MetricUnit.Count, measure.value);
    } else {
      metrics.addMetric(measure.name, MetricUnit.Count, measure.value);
    }
  }
}

/** The charge worker's reports (processCharge's `result`s) → charges by outcome, retries scheduled, reviews. */
export function chargeMeasures(results: readonly string[]): Measure[] {
  const byOutcome = new Map<string, number>();
  for (const result of results) byOutcome.set(result, (byOutcome.get(result) ?? 0) + 1);
  return [
    ...[...byOutcome].map(([outcome, value]) => ({ name: METRICS.charges, value, dimension: { name: 'outcome', value: outcome } })),
    { name: METRICS.chargeRetries, value: byOutcome.get('retry-scheduled') ?? 0 },
    { name: METRICS.chargeReviews, value: byOutcome.get('review') ?? 0 },
  ];
}

/** The notice worker's outcomes → notices sent by channel, and SMS parts (a notice SMS is always one part, payment-notice.ts). */
export function noticeMeasures(outcomes: ReadonlyArray<{ readonly status: string; readonly mail?: string; readonly sms?: string }>): Measure[] {
  const mail = outcomes.filter((outcome) => outcome.mail === 'sent').length;
  const sms = outcomes.filter((outcome) => outcome.sms === 'sent').length;
  return [
    { name: METRICS.noticesSent, value: mail, dimension: { name: 'channel', value: 'mail' } },
    { name: METRICS.noticesSent, value: sms, dimension: { name: 'channel', value: 'sms' } },
    { name: METRICS.smsParts, value: sms },
  ];
}

/** One stop step's progress (what the checkpoint added) → subscriptions cancelled, keys deleted, mails sent and not sent. */
export function stopMeasures(delta: { readonly cancelled: number; readonly keysDeleted: number; readonly mailsSent: number; readonly mailsNotSent: number }): Measure[] {
  return [
    { name: METRICS.stopSubscriptionsCancelled, value: delta.cancelled },
    { name: METRICS.stopBillingKeysDeleted, value: delta.keysDeleted },
    { name: METRICS.stopMailsSent, value: delta.mailsSent },
    { name: METRICS.stopMailsNotSent, value: delta.mailsNotSent },
  ];
}

/** A charge run (dispatcher): due cycles of earlier days still in the index — cycles a run left behind. */
export function dispatchMeasures(report: { readonly kind: string; readonly leftBehind?: number }): Measure[] {
  return report.kind === 'CHARGE' ? [{ name: METRICS.dueCyclesLeftBehind, value: report.leftBehind ?? 0 }] : [];
}

/** The webhook delivery worker's reports → deliveries that failed for good (after the last attempt). */
export function webhookMeasures(reports: readonly string[]): Measure[] {
  return [{ name: METRICS.webhookFailures, value: reports.filter((report) => report === 'failed').length }];
}

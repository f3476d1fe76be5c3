/**
 * The business metrics' names (CloudWatch namespace and metric names), shared
 * by the runtime that emits them (functions/core/metrics.ts) and the stacks
 * that alarm on and graph them (lib/constructs/monitoring.ts).
 */
export const METRIC_NAMESPACE = 'Subscriptions';

export const METRICS = {
  /** Payment notices sent (S17), dimension `channel`: mail | sms. */
  noticesSent: 'NoticesSent',
  /** SMS parts sent (S12: one credit each); a notice SMS is always one part. */
  smsParts: 'SmsParts',
  /** Charge items processed, dimension `outcome`: charged, retry-scheduled, failed, unknown, review, … */
  charges: 'Charges',
  /** Declines that will be retried at a later charge run. */
  chargeRetries: 'ChargeRetries',
  /** Charges whose outcome an operator must decide (REVIEW). */
  chargeReviews: 'ChargeReviews',
  /** Cycles of an earlier day still in the charge index when a charge run starts: a run left them behind. */
  dueCyclesLeftBehind: 'DueCyclesLeftBehind',
  /** The stop cascade's progress (S22–S24). */
  stopSubscriptionsCancelled: 'StopSubscriptionsCancelled',
  stopBillingKeysDeleted: 'StopBillingKeysDeleted',
  stopMailsSent: 'StopMailsSent',
  stopMailsNotSent: 'StopMailsNotSent',
  /** Webhook deliveries that failed for good: every attempt (5 s … 14 h, ~31.6 h) failed. */
  webhookFailures: 'WebhookDeliveryFailures',
} as const;

/**
 * The domain events a shop can react to (issue 13): their detail-types on the service's EventBridge bus,
 * which are also the webhook event types a shop subscribes its endpoints to. lib/ routes exactly these to
 * the webhook fan-out; functions/ publishes them and documents each payload (functions/api/events.docs.ts).
 */

/** The EventBridge `source` of every event the service publishes. */
export const EVENT_SOURCE = 'subscriptions';

export const EVENT_TYPES = [
  'subscription.created',
  'subscription.activated',
  'subscription.cycle.noticed',
  'subscription.cycle.charged',
  'subscription.cycle.failed',
  'subscription.cycle.skipped',
  'subscription.paused',
  'subscription.resumed',
  'subscription.changed',
  'subscription.cancelled',
  // Issue 14: every delivery it was for was charged (maxDeliveries).
  'subscription.completed',
] as const;

export type EventType = (typeof EVENT_TYPES)[number];

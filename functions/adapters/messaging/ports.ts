/**
 * Outbound messaging ports. The AWS adapters (SES, SNS, EventBridge, SQS) are
 * the only implementations: locally the same SDK calls reach the embedded
 * endpoints through AWS_ENDPOINT_URL_*, so nothing here knows where it runs.
 */

/** What a message is, for the outbox, logs and SES tags: the contract's outbox kinds plus operator notices. */
export type MessageKind =
  | 'payment-notice'
  | 'price-change'
  | 'charge-failed'
  | 'auto-cancel'
  | 'auto-cancel-summary'
  | 'sms-credits-exhausted'
  | 'charge-failed-final'
  | 'charge-failed-operator'
  | 'charge-review'
  | 'late-notice'
  // Issue 14.
  | 'subscription-completed'
  | 'price-increase-ended'
  | 'card-expiring'
  | 'holiday-data-unavailable'
  // Issue 13: the buyer told of the shop's action on their behalf.
  | 'merchant-cancel'
  | 'merchant-change';

export interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly kind: MessageKind;
}

export interface Sms {
  /** E.164 (+8210…) or a Korean mobile number. */
  readonly to: string;
  readonly text: string;
  readonly kind: MessageKind;
}

export interface Mailer {
  send(mail: Mail): Promise<{ readonly messageId: string }>;
}

export interface SmsSender {
  send(sms: Sms): Promise<{ readonly messageId: string }>;
}

/** A domain event the shop can consume (EventBridge in AWS, the outbox locally). */
export interface DomainEvent {
  /** e.g. 'subscription.cycle.charged' */
  readonly type: string;
  /** Deterministic, so a consumer can drop a repeat (at-least-once delivery). */
  readonly id: string;
  readonly shopId: string;
  readonly detail: Record<string, unknown>;
}

export interface EventPublisher {
  publish(event: DomainEvent): Promise<void>;
  /**
   * Several events at once (EventBridge: up to ten per PutEvents call); answers each event's own outcome, in
   * order, and never rejects as a whole: an entry the bus refuses, or a call that failed, fails only its events.
   */
  publishEach(events: readonly DomainEvent[]): Promise<Array<PromiseSettledResult<void>>>;
}

/** A dispatcher's outlet: puts messages on a worker's queue (`delaySeconds`: SQS's DelaySeconds, ≤ 900). */
export interface WorkQueue {
  /** `delaySeconds` (0–900, SQS's DelaySeconds): the messages are not delivered before it has passed. */
  send(messages: readonly unknown[], options?: { readonly delaySeconds?: number }): Promise<void>;
}

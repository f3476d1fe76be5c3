/**
 * Everything the system sent, as a person would read it: mails captured at the
 * local SES endpoint, SMS at the local SNS endpoint, domain events at the
 * local EventBridge endpoint (`to` is the bus, `kind` the detail-type, `body`
 * the detail JSON), webhooks at the dev sink `POST /_local/webhook-sink/{name}` (`to` is the name, `body`
 * the raw body, `headers` the three signature headers). Kept in memory; the SES web inbox shows the same mails.
 */

export type OutboxKind = 'payment-notice' | 'charge-failed' | 'auto-cancel' | 'auto-cancel-summary' | 'other';

export interface OutboxItem {
  readonly channel: 'mail' | 'sms' | 'event' | 'webhook';
  readonly to: string;
  readonly subject?: string;
  readonly body: string;
  readonly kind: string;
  readonly sentAt: string;
  /** A webhook received by the dev sink: its Standard Webhooks headers (webhook-id, -timestamp, -signature). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A webhook: what the sink answered (a sink URL with ?failFirst=n answers 503 to its first n requests). */
  readonly status?: number;
}

export class Outbox {
  private readonly items: OutboxItem[] = [];

  add(item: OutboxItem): void {
    this.items.push(item);
  }

  list(filter: { to?: string | undefined } = {}): OutboxItem[] {
    return this.items.filter((item) => filter.to === undefined || item.to === filter.to);
  }
}

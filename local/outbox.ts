/**
 * Everything the system sent, as a person would read it: mails captured at the
 * local SES endpoint, SMS at the local SNS endpoint, domain events at the
 * local EventBridge endpoint (`to` is the bus, `kind` the detail-type, `body`
 * the detail JSON). Kept in memory; the SES web inbox shows the same mails.
 */

export type OutboxKind = 'payment-notice' | 'charge-failed' | 'auto-cancel' | 'auto-cancel-summary' | 'other';

export interface OutboxItem {
  readonly channel: 'mail' | 'sms' | 'event';
  readonly to: string;
  readonly subject?: string;
  readonly body: string;
  readonly kind: string;
  readonly sentAt: string;
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

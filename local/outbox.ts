/**
 * Everything the system sent, as a person would read it: mails captured at the
 * local SES endpoint, SMS at the local SNS endpoint, domain events at the
 * local EventBridge endpoint (`to` is the bus, `kind` the detail-type, `body`
 * the detail JSON), webhooks at the dev sink `POST /_local/webhook-sink/{name}` (`to` is the name, `body`
 * the raw body, `headers` the three signature headers). Kept in memory; the SES web inbox shows the same mails.
 */

import type { OutboxItemView } from './local-api.ts';

export type OutboxKind = 'payment-notice' | 'charge-failed' | 'auto-cancel' | 'auto-cancel-summary' | 'other';

/** One thing sent; GET /_local/outbox answers these (the pages read them through local-api.ts). */
export type OutboxItem = OutboxItemView;

export class Outbox {
  private readonly items: OutboxItem[] = [];

  add(item: OutboxItem): void {
    this.items.push(item);
  }

  list(filter: { to?: string | undefined } = {}): OutboxItem[] {
    return this.items.filter((item) => filter.to === undefined || item.to === filter.to);
  }
}

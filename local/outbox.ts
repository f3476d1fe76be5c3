/**
 * Everything the system sent, as a person would read it: mails captured at the
 * local SES endpoint, SMS at the local SNS endpoint, domain events at the
 * local EventBridge endpoint (`to` is the bus, `kind` the detail-type, `body`
 * the detail JSON), webhooks at the dev sink `POST /_local/webhook-sink/{name}` (`to` is the name, `body`
 * the raw body, `headers` the three signature headers). With a data folder it is also appended to
 * LOCAL_DATA/outbox.jsonl, one line per item, and read back at start: what was sent stays sent across a
 * restart (or a SIGKILL — `npm run chaos` counts the notices from it). The SES web inbox shows the same mails.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { OutboxItemView } from './local-api.ts';

export type OutboxKind = 'payment-notice' | 'charge-failed' | 'auto-cancel' | 'auto-cancel-summary' | 'other';

/** One thing sent; GET /_local/outbox answers these (the pages read them through local-api.ts). */
export type OutboxItem = OutboxItemView;

export class Outbox {
  private readonly items: OutboxItem[] = [];

  constructor(private readonly file: string | null = null) {
    if (!file || !existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      try {
        this.items.push(JSON.parse(line) as OutboxItem);
      } catch {
        // The last line of a process killed while writing it: that item was never answered as sent.
      }
    }
  }

  /** `dataDir` null keeps the outbox in memory only. */
  static create(dataDir: string | null): Outbox {
    return new Outbox(dataDir ? join(dataDir, 'outbox.jsonl') : null);
  }

  add(item: OutboxItem): void {
    this.items.push(item);
    // Before the endpoint answers: a provider that said "sent" has it on record.
    if (this.file) appendFileSync(this.file, `${JSON.stringify(item)}\n`);
  }

  list(filter: { to?: string | undefined } = {}): OutboxItem[] {
    return this.items.filter((item) => filter.to === undefined || item.to === filter.to);
  }
}

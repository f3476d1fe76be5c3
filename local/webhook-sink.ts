/**
 * The dev webhook sink (issue 13), `POST /_local/webhook-sink/{name}`: a merchant endpoint on the laptop.
 * Each request is kept in the outbox (channel `webhook`, `to` the name, the raw body and the three
 * Standard Webhooks headers) so a test or a person can verify the signature with any library. It answers
 * 204, or 503 to the first n requests of a sink whose URL carries `?failFirst=n` (a flaky endpoint).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { seoulTimestamp } from '../functions/core/dates.ts';
import type { LocalServices } from './local-endpoints.ts';

export const WEBHOOK_SINK_PREFIX = '/_local/webhook-sink/';
const SIGNATURE_HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;

/** Records one request and answers its status. */
export function receiveWebhook(services: Pick<LocalServices, 'outbox' | 'clock'>, url: URL, headers: IncomingHttpHeaders, body: string): number {
  const name = decodeURIComponent(url.pathname.slice(WEBHOOK_SINK_PREFIX.length)) || 'default';
  const failFirst = Number(url.searchParams.get('failFirst') ?? 0);
  const earlier = services.outbox.list({ to: name }).filter((item) => item.channel === 'webhook').length;
  const status = earlier < failFirst ? 503 : 204;
  let kind = 'unknown';
  try {
    kind = String((JSON.parse(body) as { type?: unknown }).type ?? 'unknown');
  } catch {
    // Kept as received: the sink shows what came, well-formed or not.
  }
  services.outbox.add({
    channel: 'webhook',
    to: name,
    kind,
    body,
    headers: Object.fromEntries(SIGNATURE_HEADERS.map((header) => [header, String(headers[header] ?? '')])),
    status,
    sentAt: seoulTimestamp(services.clock.now()),
  });
  return status;
}

/**
 * Local EventBridge: accepts the PutEvents call @aws-sdk/client-eventbridge
 * makes (AWS JSON 1.1: POST /, `Content-Type: application/x-amz-json-1.1`,
 * `X-Amz-Target: AWSEvents.PutEvents`) through AWS_ENDPOINT_URL_EVENTBRIDGE,
 * and appends each event to the outbox as
 * `{channel: 'event', to: <bus>, kind: <detail-type>, body: <detail JSON>}`.
 * Like EventBridge it judges each entry on its own (an answer entry per
 * request entry, FailedEntryCount for the refused ones) and refuses a whole
 * request of no or too many entries, or too large.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { Clock } from '../functions/core/clock.ts';
import { seoulTimestamp } from '../functions/core/dates.ts';
import { listen, readBody, type Listening } from './net.ts';
import type { Outbox } from './outbox.ts';

export const MAX_PUT_EVENTS_ENTRIES = 10;
/** EventBridge's limit on a PutEvents request's entries together (Time counts 14 bytes, the strings their UTF-8 bytes). */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;

interface PutEventsEntry {
  readonly Source?: unknown;
  readonly DetailType?: unknown;
  readonly Detail?: unknown;
  readonly EventBusName?: unknown;
  readonly Resources?: unknown;
  readonly Time?: unknown;
}

function entrySize(entry: PutEventsEntry): number {
  const bytes = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources.reduce((sum: number, resource) => sum + bytes(resource), 0) : 0;
  return (entry.Time !== undefined ? 14 : 0) + bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail) + resources;
}

/** A bus given by name or ARN → its name. */
function busName(value: unknown): string {
  if (typeof value !== 'string' || value === '') return 'default';
  return value.startsWith('arn:') ? value.slice(value.lastIndexOf('/') + 1) : value;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  response.end(JSON.stringify(body));
}

/** An event as EventBridge hands it to a rule's target (the envelope the webhook fan-out reads). */
export interface BusEnvelope {
  readonly version: '0';
  readonly id: string;
  readonly 'detail-type': string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: unknown;
}

export async function startEventBridge(options: {
  host: string;
  port: number;
  outbox: Outbox;
  clock: Clock;
  buses: readonly string[];
  /** Plays the rules: each accepted event, in EventBridge's target envelope (the webhook rule's queue). */
  forward?: (event: BusEnvelope) => void;
}): Promise<Listening> {
  const buses = new Set(['default', ...options.buses]);
  const server = createServer(async (request, response) => {
    const raw = await readBody(request);
    const target = String(request.headers['x-amz-target'] ?? '');
    if (request.method !== 'POST' || target !== 'AWSEvents.PutEvents') {
      return send(response, 400, { __type: 'UnknownOperationException', message: `The local EventBridge endpoint serves PutEvents only (got "${target}").` });
    }
    let input: { Entries?: unknown };
    try {
      input = JSON.parse(raw) as { Entries?: unknown };
    } catch {
      return send(response, 400, { __type: 'SerializationException', message: 'The request body is not valid JSON.' });
    }
    const entries = Array.isArray(input.Entries) ? (input.Entries as PutEventsEntry[]) : [];
    if (entries.length === 0 || entries.length > MAX_PUT_EVENTS_ENTRIES) {
      return send(response, 400, {
        __type: 'ValidationException',
        message: `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_PUT_EVENTS_ENTRIES}`,
      });
    }
    if (entries.reduce((sum, entry) => sum + entrySize(entry), 0) > MAX_PUT_EVENTS_BYTES) {
      return send(response, 400, { __type: 'ValidationException', message: 'Total size of the entries in the request is over the limit.' });
    }

    const answers = entries.map((entry) => {
      if (typeof entry.Source !== 'string' || entry.Source === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' };
      if (typeof entry.DetailType !== 'string' || entry.DetailType === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' };
      let detail: unknown;
      try {
        detail = JSON.parse(typeof entry.Detail === 'string' ? entry.Detail : '');
      } catch {
        detail = undefined;
      }
      if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
      const bus = busName(entry.EventBusName);
      if (!buses.has(bus)) return { ErrorCode: 'NotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
      options.outbox.add({ channel: 'event', to: bus, kind: entry.DetailType, body: entry.Detail as string, sentAt: seoulTimestamp(options.clock.now()) });
      const id = randomUUID();
      // EventBridge's `time`: UTC to the second.
      const time = options.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
      options.forward?.({ version: '0', id, 'detail-type': entry.DetailType, source: entry.Source, account: '000000000000', time, region: 'ap-northeast-2', resources: [], detail });
      return { EventId: id };
    });
    send(response, 200, { FailedEntryCount: answers.filter((answer) => 'ErrorCode' in answer).length, Entries: answers });
  });
  return listen(server, options.port, options.host);
}

/** The EventBridge events adapter (one SDK client per module: a function imports only the clients it uses). */
import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DomainEvent, EventPublisher } from './ports.ts';

/** PutEvents' limits: ten entries a call, 256 KB for the entries together (an entry's Time counts 14 bytes). */
const PUT_EVENTS_MAX_ENTRIES = 10;
const PUT_EVENTS_MAX_BYTES = 256 * 1024;

const entrySize = (entry: PutEventsRequestEntry) => [entry.Source, entry.DetailType, entry.Detail].reduce((sum, text) => sum + Buffer.byteLength(text ?? '', 'utf8'), 0);

/** The events in calls PutEvents takes: up to ten entries and 256 KB each, in order. */
function calls(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const chunks: PutEventsRequestEntry[][] = [];
  let bytes = 0;
  for (const entry of entries) {
    const last = chunks.at(-1);
    if (!last || last.length === PUT_EVENTS_MAX_ENTRIES || bytes + entrySize(entry) > PUT_EVENTS_MAX_BYTES) {
      chunks.push([entry]);
      bytes = entrySize(entry);
    } else {
      last.push(entry);
      bytes += entrySize(entry);
    }
  }
  return chunks;
}

export function eventBridgePublisher(busName: string, client = new EventBridgeClient({})): EventPublisher {
  const entryOf = (event: DomainEvent): PutEventsRequestEntry => ({ EventBusName: busName, Source: 'subscriptions', DetailType: event.type, Detail: JSON.stringify({ id: event.id, shopId: event.shopId, ...event.detail }) });
  /** One call: each entry judged on its own (FailedEntryCount), a failed call failing all of its entries. */
  const put = async (entries: readonly PutEventsRequestEntry[]): Promise<Array<PromiseSettledResult<void>>> => {
    try {
      const result = await client.send(new PutEventsCommand({ Entries: [...entries] }));
      return entries.map((entry, i) => {
        const code = (result.FailedEntryCount ?? 0) > 0 ? (result.Entries?.[i]?.ErrorCode ?? (result.Entries?.[i]?.EventId ? undefined : 'unknown')) : undefined;
        return code ? { status: 'rejected', reason: new Error(`EventBridge refused ${entry.DetailType}: ${code}`) } : { status: 'fulfilled', value: undefined };
      });
    } catch (error) {
      return entries.map(() => ({ status: 'rejected', reason: error }));
    }
  };
  const publishEach = async (events: readonly DomainEvent[]) => (await Promise.all(calls(events.map(entryOf)).map(put))).flat();
  return {
    async publish(event) {
      const [result] = await publishEach([event]);
      if (result?.status === 'rejected') throw result.reason;
    },
    publishEach,
  };
}

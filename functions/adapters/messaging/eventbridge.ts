/** The EventBridge events adapter (one SDK client per module: a function imports only the clients it uses). */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { EventPublisher } from './ports.ts';

export function eventBridgePublisher(busName: string, client = new EventBridgeClient({})): EventPublisher {
  return {
    async publish(event) {
      const result = await client.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: busName, Source: 'subscriptions', DetailType: event.type, Detail: JSON.stringify({ id: event.id, shopId: event.shopId, ...event.detail }) }],
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) throw new Error(`EventBridge refused ${event.type}: ${result.Entries?.[0]?.ErrorCode ?? 'unknown'}`);
    },
  };
}


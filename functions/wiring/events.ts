/** EventBridge, for the functions that publish events (`sends: ['events']`); the bus comes with that declaration. */
import { ENV } from '../../system/functions.ts';
import { eventBridgePublisher } from '../adapters/messaging/eventbridge.ts';
import type { EventPublisher } from '../adapters/messaging/ports.ts';

const eventBusName = process.env[ENV.eventBusName];
const notSet = () => new Error(`${ENV.eventBusName} is not set: declare 'events' in this function's sends`);

export const events: EventPublisher = eventBusName
  ? eventBridgePublisher(eventBusName)
  : { publish: async () => { throw notSet(); }, publishEach: async (list) => list.map(() => ({ status: 'rejected', reason: notSet() })) };

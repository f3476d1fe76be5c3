import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { observed } from '../core/observability.ts';
import { fanOutEvent, oneBatch, type BusEvent } from '../use-cases/webhook-delivery.ts';
import { webhooksRepository } from '../adapters/dynamodb/webhooks.repo.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const deps = { ...table({ webhooks: webhooksRepository }), workQueue };

/**
 * Webhook fan-out (issue 13): each message is one domain event, as the EventBridge rule put it on the queue (Powertools
 * batch); a shop's endpoints are read once per batch.
 */
export const handler = observed((event: SQSEvent, context: Context) => {
  const batch = oneBatch(deps);
  const fanOut = (record: SQSRecord) => fanOutEvent(batch, JSON.parse(record.body) as BusEvent);
  return processPartialResponse(event, fanOut, new BatchProcessor(EventType.SQS), { context, processInParallel: false });
});

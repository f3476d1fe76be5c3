import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { record as recordMetrics, webhookMeasures } from '../core/metrics.ts';
import { observed } from '../core/observability.ts';
import { deliverWebhook, type DeliveryMessage } from '../use-cases/webhook-delivery.ts';
import { webhooksRepository } from '../adapters/dynamodb/webhooks.repo.ts';
import { webhookDeps } from '../wiring/webhooks.ts';
import { sealer } from '../wiring/sealer.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const deps = { ...table({ webhooks: webhooksRepository }), workQueue, sealer, ...webhookDeps };

/**
 * Webhook delivery (issue 13): each message is one attempt, through Powertools batch. An endpoint's failure
 * is not the message's: it is recorded and retried through the queue with a delay; only our own failure
 * (table, KMS) fails the message.
 */
async function attempt(record: SQSRecord): Promise<void> {
  recordMetrics(webhookMeasures([await deliverWebhook(deps, JSON.parse(record.body) as DeliveryMessage)]));
}

export const handler = observed((event: SQSEvent, context: Context) => processPartialResponse(event, attempt, new BatchProcessor(EventType.SQS), { context, processInParallel: false }));

import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../core/logger.ts';
import { record as recordMetrics, webhookMeasures } from '../core/metrics.ts';
import { observed } from '../core/observability.ts';
import { deliverWebhook, type AttemptReport, type DeliveryMessage } from '../use-cases/webhook-delivery.ts';
import { deps } from '../wiring.ts';

/**
 * Webhook delivery (issue 13): each message is one attempt. An endpoint's failure is not the message's: it is
 * recorded and retried through the queue with a delay; only our own failure (table, KMS) fails the message.
 */
export const handler = observed(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  const reports: AttemptReport[] = [];
  for (const record of event.Records) {
    try {
      reports.push(await deliverWebhook(deps, JSON.parse(record.body) as DeliveryMessage));
    } catch (error) {
      logger.error('Webhook attempt failed; it will be retried', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  recordMetrics(webhookMeasures(reports));
  return { batchItemFailures };
});

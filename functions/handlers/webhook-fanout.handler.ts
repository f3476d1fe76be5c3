import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../core/logger.ts';
import { observed } from '../core/observability.ts';
import { fanOutEvent, type BusEvent } from '../use-cases/webhook-delivery.ts';
import { deps } from '../wiring.ts';

/** Webhook fan-out (issue 13): each message is one domain event, as the EventBridge rule put it on the queue. */
export const handler = observed(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await fanOutEvent(deps, JSON.parse(record.body) as BusEvent);
    } catch (error) {
      logger.error('Webhook fan-out failed; it will be retried', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});

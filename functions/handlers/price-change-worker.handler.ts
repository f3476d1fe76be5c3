import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../core/logger.ts';
import { observed } from '../core/observability.ts';
import type { PriceChangeMessage } from '../domain/price-change-job.ts';
import { runPriceChangeStep } from '../use-cases/price-change-job.ts';
import { deps } from '../wiring.ts';

/**
 * The price-change worker (issue 14): each message is one step of one price-change notice job. A step that
 * throws comes back (ReportBatchItemFailures) and is redone; its messages go through the send-once log.
 */
export const handler = observed(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      await runPriceChangeStep(deps, JSON.parse(record.body) as PriceChangeMessage, record.messageId);
    } catch (error) {
      logger.error('Price-change step failed; it will be retried', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});

import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { logger } from '../core/logger.ts';
import { record as recordMetrics, stopMeasures } from '../core/metrics.ts';
import { observed } from '../core/observability.ts';
import type { StopMessage } from '../domain/stop-job.ts';
import { runStopStep } from '../use-cases/stop-job.ts';
import { deps } from '../wiring.ts';

/**
 * The stop worker (S21–S24): each message is one step of one stop job. A step that throws comes back
 * (ReportBatchItemFailures) and is redone; every write in it is conditional or idempotent.
 */
export const handler = observed(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const step = await runStopStep(deps, JSON.parse(record.body) as StopMessage, record.messageId);
      if (step) {
        const { before, after } = step;
        recordMetrics(
          stopMeasures({
            cancelled: after.cancelled - before.cancelled,
            keysDeleted: after.keysDeleted - before.keysDeleted,
            mailsSent: after.mailsSent - before.mailsSent,
            mailsNotSent: after.mailsNotSent - before.mailsNotSent,
          }),
        );
      }
    } catch (error) {
      logger.error('Stop step failed; it will be retried', { messageId: record.messageId, error: error as Error });
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
});

/**
 * The SQS primary adapter: every queue worker is `sqsWorker(processItem)`. Each
 * message is one page of due work; its items run one after another (a worker's
 * rate is bounded by the event source's MaximumConcurrency, which is how the
 * PG's and SES/SNS's rates hold). A message whose item throws is reported in
 * `batchItemFailures` (ReportBatchItemFailures), so only that message comes
 * back — and since every step is idempotent, re-running its items that already
 * succeeded changes nothing.
 */
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { WorkMessage } from '../../system/functions.ts';
import { logger } from '../core/logger.ts';

export interface WorkItem {
  readonly kind: WorkMessage['kind'];
  readonly date: string;
  readonly scheduledTime: string;
  readonly key: WorkMessage['keys'][number];
  /** The SQS message id: stable across redeliveries of the same message (credit blocks are keyed by it). */
  readonly messageId: string;
}

/** One received message: the dispatcher's page of work and the SQS message id. */
export interface ReceivedWorkMessage extends WorkMessage {
  readonly messageId: string;
}

/**
 * Optional per-message lifecycle around a message's items, e.g. the notice worker's credit blocks (S12):
 * `start` before the first item — its result is handed to every item of the message — and `finish` after
 * the last, also when an item failed. A `finish` that throws is logged; it does not fail the message, whose
 * items all ran (a crash before `finish` is what a worker's own recovery, e.g. the abandoned-block sweep, covers).
 */
export interface PerMessage<C> {
  start(message: ReceivedWorkMessage): C | Promise<C>;
  finish(context: C, outcome: { readonly failed: boolean }): Promise<void>;
}

type SqsHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

export function sqsWorker(processItem: (item: WorkItem) => Promise<unknown>): SqsHandler;
export function sqsWorker<C>(processItem: (item: WorkItem, context: C) => Promise<unknown>, perMessage: PerMessage<C>): SqsHandler;
export function sqsWorker<C>(processItem: (item: WorkItem, context: C) => Promise<unknown>, perMessage?: PerMessage<C>): SqsHandler {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      let started: { context: C } | undefined;
      let failed = false;
      try {
        const message = JSON.parse(record.body) as WorkMessage;
        if (perMessage) started = { context: await perMessage.start({ ...message, messageId: record.messageId }) };
        for (const key of message.keys) {
          await processItem({ kind: message.kind, date: message.date, scheduledTime: message.scheduledTime, key, messageId: record.messageId }, started?.context as C);
        }
      } catch (error) {
        failed = true;
        logger.error('Work message failed; it will be retried', { messageId: record.messageId, error: error as Error });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      } finally {
        if (perMessage && started) {
          await perMessage.finish(started.context, { failed }).catch((error: unknown) => logger.warn('Work message cleanup failed', { messageId: record.messageId, error: error as Error }));
        }
      }
    }
    return { batchItemFailures };
  };
}

/**
 * The SQS primary adapter of the daily runs' workers, on Powertools batch
 * (`processPartialResponse`): each record is one work message — one shop's
 * due items — handed to the run's use case. Item isolation (issue 17): an item
 * that fails in a message of several is put back on the queue on its own, and
 * the message is done — so one failing item never holds back the others, and
 * only that item, retried alone, can reach the dead-letter queue (after
 * maxReceiveCount receives of its own message). A message of one item that
 * fails is reported in batchItemFailures and comes back; if every record of
 * the batch fails, the invocation fails (Lambda's Errors metric sees it).
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { WorkMessage } from '../../system/functions.ts';
import { logger } from '../core/logger.ts';
import type { WorkQueue } from '../adapters/messaging/ports.ts';
import { failedItems, type Work, type WorkReport } from '../use-cases/runs/work.ts';

export interface WorkerOptions<T> {
  /** The worker's own queue: where a failed item goes back on its own. */
  readonly requeue: WorkQueue;
  /** Delay of a put-back item: past the lease of whatever made it fail (a send in flight, a claim). */
  readonly retryDelaySeconds: number;
  /** Sees each message's report (logs, metrics). */
  readonly onReport?: (work: Work, report: WorkReport<T>) => void;
}

/** An item of a one-item message failed: SQS retries the message (and after maxReceiveCount, dead-letters it). */
export class ItemFailed extends Error {
  constructor(work: Work, cause: unknown) {
    super(`The ${work.kind} item ${work.items[0]?.subscriptionId}/${work.items[0]?.deliveryDate} failed`, { cause });
    this.name = 'ItemFailed';
  }
}

const isText = (value: unknown): value is string => typeof value === 'string' && value.length > 0;

/** A work message from a queue record's body, checked: a message that is not one fails (and dead-letters). */
export function parseWorkMessage(body: string): WorkMessage {
  const message = JSON.parse(body) as Partial<WorkMessage>;
  const items = Array.isArray(message.items) ? message.items : undefined;
  if ((message.kind !== 'NOTICE' && message.kind !== 'CHARGE') || !isText(message.date) || !isText(message.scheduledTime) || !isText(message.shopId) || !items || items.length === 0 || !items.every((item) => isText(item?.subscriptionId) && isText(item?.deliveryDate))) {
    throw new Error('Not a work message: { kind, date, scheduledTime, shopId, items: [{ subscriptionId, deliveryDate }] } expected');
  }
  return message as WorkMessage;
}

type Handler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export function workQueueWorker<T>(process: (work: Work) => Promise<WorkReport<T>>, options: WorkerOptions<T>): Handler {
  const recordHandler = async (record: SQSRecord): Promise<void> => {
    const message = parseWorkMessage(record.body);
    const work: Work = { kind: message.kind, date: message.date, scheduledTime: message.scheduledTime, shopId: message.shopId, messageId: record.messageId, items: message.items };
    const report = await process(work);
    options.onReport?.(work, report);
    const failed = failedItems(report);
    if (failed.length === 0) return;
    if (message.items.length === 1) {
      const error = report.results.find((result) => 'error' in result) as { error: unknown } | undefined;
      throw new ItemFailed(work, error?.error);
    }
    // Each failed item on its own: the message is done, and only that item is retried (or dead-lettered).
    const { retryOf: _retryOf, ...rest } = message;
    await options.requeue.send(failed.map((ref) => ({ ...rest, items: [ref], retryOf: record.messageId })), { delaySeconds: options.retryDelaySeconds });
    logger.warn('Failed items put back on their own', { messageId: record.messageId, failed: failed.length, of: message.items.length });
  };
  // One message after another: the items of one run side by side, and the queue's MaximumConcurrency stays the throttle.
  // A processor per invocation: it keeps the batch's records and failures, and the local runtime runs a worker's
  // invocations side by side in one process (Powertools keeps them apart only under Lambda's own multi-concurrency).
  return (event, context) => processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), { context, processInParallel: false });
}

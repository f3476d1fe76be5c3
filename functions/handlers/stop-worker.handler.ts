import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { StopMessage } from '../domain/stop-job.ts';
import { runStopStep } from '../use-cases/stop-job.ts';
import { deps } from '../wiring.ts';
import { gateways } from '../wiring/gateways.ts';
import { mailer } from '../wiring/mailer.ts';
import { workQueue } from '../wiring/work-queue.ts';

const stopDeps = { ...deps, gateways, mailer, workQueue };
const processor = new BatchProcessor(EventType.SQS);

/**
 * The stop worker (S21–S24): each message is one step of one stop job, through Powertools batch. A step that
 * throws comes back (batchItemFailures) and is redone; every write in it is conditional or idempotent.
 */
const step = (record: SQSRecord) => runStopStep(stopDeps, JSON.parse(record.body) as StopMessage, record.messageId);

export const handler = (event: SQSEvent, context: Context) => processPartialResponse(event, step, processor, { context, processInParallel: false });

import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { record as recordMetrics, stopMeasures } from '../core/metrics.ts';
import { observed } from '../core/observability.ts';
import type { StopMessage } from '../domain/stop-job.ts';
import { runStopStep } from '../use-cases/stop-job.ts';
import { creditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { notificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import { settingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { stopJobsRepository } from '../adapters/dynamodb/stop-jobs.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { events } from '../wiring/events.ts';
import { gateways } from '../wiring/gateways.ts';
import { mailer } from '../wiring/mailer.ts';
import { sealedBillingKeys } from '../wiring/sealer.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const repositories = table({
  shops: shopsRepository,
  settings: settingsRepository,
  subscriptions: subscriptionsRepository,
  cycles: cyclesRepository,
  billingKeys: sealedBillingKeys,
  stopJobs: stopJobsRepository,
  credits: creditsRepository,
  notifications: notificationsRepository,
});
const stopDeps = { ...repositories, gateways, mailer, workQueue, events };

/**
 * The stop worker (S21–S24): each message is one step of one stop job, through Powertools batch. A step that
 * throws comes back (batchItemFailures) and is redone; every write in it is conditional or idempotent.
 */
async function step(record: SQSRecord): Promise<void> {
  const done = await runStopStep(stopDeps, JSON.parse(record.body) as StopMessage, record.messageId);
  if (!done) return;
  const { before, after } = done;
  recordMetrics(
    stopMeasures({
      cancelled: after.cancelled - before.cancelled,
      keysDeleted: after.keysDeleted - before.keysDeleted,
      mailsSent: after.mailsSent - before.mailsSent,
      mailsNotSent: after.mailsNotSent - before.mailsNotSent,
    }),
  );
}

export const handler = observed((event: SQSEvent, context: Context) => processPartialResponse(event, step, new BatchProcessor(EventType.SQS), { context, processInParallel: false }));

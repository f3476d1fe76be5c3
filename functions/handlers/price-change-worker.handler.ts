import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { observed } from '../core/observability.ts';
import type { PriceChangeMessage } from '../domain/price-change-job.ts';
import { runPriceChangeStep } from '../use-cases/price-change-job.ts';
import { creditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import { notificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import { priceChangeJobsRepository } from '../adapters/dynamodb/price-change-jobs.repo.ts';
import { settingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { mailer } from '../wiring/mailer.ts';
import { sms } from '../wiring/sms.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const deps = {
  ...table({
    shops: shopsRepository,
    settings: settingsRepository,
    subscriptions: (client, name) => subscriptionsRepository(client, name),
    priceChangeJobs: priceChangeJobsRepository,
    credits: creditsRepository,
    notifications: notificationsRepository,
  }),
  mailer,
  sms,
  workQueue,
};

/**
 * The price-change worker (issue 14): each message is one step of one price-change notice job, through
 * Powertools batch. A step that throws comes back (batchItemFailures) and is redone; its messages go
 * through send-once.
 */
const step = (record: SQSRecord) => runPriceChangeStep(deps, JSON.parse(record.body) as PriceChangeMessage, record.messageId);

export const handler = observed((event: SQSEvent, context: Context) => processPartialResponse(event, step, new BatchProcessor(EventType.SQS), { context, processInParallel: false }));

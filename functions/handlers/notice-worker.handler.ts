/**
 * The D-2 payment-notice worker (S11, S12, S17, S18), fed by the notice run
 * through SQS: each message is one shop's due cycles. It builds what it uses
 * and nothing else: the table (reads batched per message), SES, SNS, EventBridge (the cycle events), and its
 * own queue for items put back on their own.
 */
import { batchingReads } from '../adapters/dynamodb/batched-reads.ts';
import { creditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { notificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import { priceConsentsRepository } from '../adapters/dynamodb/price-consents.repo.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { settingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import { shopRecords } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionRecords } from '../adapters/dynamodb/subscriptions.repo.ts';
import { noticeMeasures, record } from '../core/metrics.ts';
import { observed } from '../core/observability.ts';
import { workQueueWorker } from '../queue/sqs-worker.ts';
import { noticeWork, SENDING_LEASE_MS, type NoticeDeps } from '../use-cases/runs/notice.ts';
import { outcomesOf } from '../use-cases/runs/work.ts';
import { events } from '../wiring/events.ts';
import { mailer } from '../wiring/mailer.ts';
import { sms } from '../wiring/sms.ts';
import { db, table, tableName } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const repositories = table(
  { cycles: cyclesRepository, subscriptions: subscriptionRecords, shops: shopRecords, settings: settingsRepository, products: productsRepository, priceConsents: priceConsentsRepository, credits: creditsRepository, notifications: notificationsRepository },
  batchingReads(db, tableName),
);

const noticeDeps: NoticeDeps = { ...repositories, mailer, sms, events };

// A failed item comes back after the lease of a notice another worker may be sending.
export const handler = observed(
  workQueueWorker((work) => noticeWork(noticeDeps, work), {
    requeue: workQueue,
    retryDelaySeconds: (SENDING_LEASE_MS / 1000) * 1.5,
    onReport: (_work, report) => record(noticeMeasures(outcomesOf(report))),
  }),
);

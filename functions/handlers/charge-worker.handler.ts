/**
 * The charge worker (S17, S19), fed by the charge run through SQS: each
 * message is one shop's due cycles, each charged by `chargeWork` — or a shop's
 * retry of a FAILED cycle (a RETRY message from POST …/retry: runs/charge-retry.ts). It builds
 * what it uses: the table (reads batched per message), the PGs, SES (failure
 * and review mails), EventBridge, and its own queue for items put back alone.
 */
import { batchingReads } from '../adapters/dynamodb/batched-reads.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { notificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import { settingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import { shopRecords } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionRecords } from '../adapters/dynamodb/subscriptions.repo.ts';
import { chargeMeasures, record } from '../core/metrics.ts';
import { observed } from '../core/observability.ts';
import { workQueueWorker } from '../queue/sqs-worker.ts';
import { chargeSettings } from '../charge-settings.ts';
import { chargeWork, type ChargeDeps } from '../use-cases/runs/charge.ts';
import { outcomesOf } from '../use-cases/runs/work.ts';
import { events } from '../wiring/events.ts';
import { gateways } from '../wiring/charging-gateways.ts';
import { mailer } from '../wiring/mailer.ts';
import { sealedBillingKeyRecords } from '../wiring/sealer.ts';
import { db, table, tableName } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const repositories = table(
  { cycles: cyclesRepository, subscriptions: subscriptionRecords, shops: shopRecords, settings: settingsRepository, billingKeys: sealedBillingKeyRecords, notifications: notificationsRepository },
  batchingReads(db, tableName),
);

const chargeDeps: ChargeDeps = {
  ...repositories,
  gateways,
  mailer,
  events,
  // Read once at cold start; a malformed CHARGE_RUN_TIMES fails it with the value's problem.
  ...chargeSettings,
};

export const handler = observed(
  workQueueWorker((work) => chargeWork(chargeDeps, work), {
    requeue: workQueue,
    retryDelaySeconds: 60,
    onReport: (_work, report) => record(chargeMeasures(outcomesOf(report).map((outcome) => outcome.result))),
  }),
);

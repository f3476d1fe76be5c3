/**
 * Composition root: the secondary adapters every handler shares, created once
 * per container at module load (config fails fast here).
 */
import { systemClock, type Clock } from './core/clock.ts';
import { config } from './config.ts';
import { ENV } from '../system/functions.ts';
import { eventBridgePublisher, sesMailer, snsSmsSender, sqsWorkQueue } from './adapters/messaging/aws.ts';
import { createDocumentClient } from './adapters/dynamodb/client.ts';
import { shopsRepository } from './adapters/dynamodb/shops.repo.ts';
import { settingsRepository } from './adapters/dynamodb/settings.repo.ts';
import { productsRepository } from './adapters/dynamodb/products.repo.ts';
import { billingKeysRepository } from './adapters/dynamodb/billing-keys.repo.ts';
import { dueWorkRepository } from './adapters/dynamodb/due-work.repo.ts';
import { subscriptionsRepository } from './adapters/dynamodb/subscriptions.repo.ts';
import { creditsRepository } from './adapters/dynamodb/credits.repo.ts';
import { notificationsRepository } from './adapters/dynamodb/notifications.repo.ts';
import { ordersRepository } from './adapters/dynamodb/orders.repo.ts';
import { stopJobsRepository } from './adapters/dynamodb/stop-jobs.repo.ts';
import { priceChangeJobsRepository } from './adapters/dynamodb/price-change-jobs.repo.ts';
import { priceConsentsRepository } from './adapters/dynamodb/price-consents.repo.ts';
import { gatewayRegistryFromEnv } from './adapters/gateways/registry.ts';
import { pgContractsRepository } from './adapters/dynamodb/pg-contracts.repo.ts';
import { webhooksRepository } from './adapters/dynamodb/webhooks.repo.ts';
import { httpWebhookSender } from './adapters/webhooks/sender.ts';
import { envelopeSealerFromEnv } from './adapters/crypto/envelope.ts';
import { GATEWAY_ENV } from '../system/payment-gateways.ts';

let currentClock: Clock = systemClock;

/**
 * Replaces the time source. Only the local runtime (its controllable clock)
 * and tests call this; in AWS the clock is the system clock.
 */
export function useClock(clock: Clock): void {
  currentClock = clock;
}

const db = createDocumentClient();
const eventBusName = process.env[ENV.eventBusName];
const workQueueUrl = process.env[ENV.workQueueUrl];
/** Seals and opens PG credentials and billing keys; only functions granted the KMS key get its id. */
const sealer = envelopeSealerFromEnv(process.env[GATEWAY_ENV.kmsKeyId]);
const pgContracts = pgContractsRepository(db, config.tableName);

export const deps = {
  clock: { now: () => currentClock.now() } satisfies Clock,
  shops: shopsRepository(db, config.tableName),
  settings: settingsRepository(db, config.tableName),
  products: productsRepository(db, config.tableName),
  billingKeys: billingKeysRepository(db, config.tableName, sealer),
  pgContracts,
  sealer,
  dueWork: dueWorkRepository(db, config.tableName),
  subscriptions: subscriptionsRepository(db, config.tableName),
  credits: creditsRepository(db, config.tableName),
  notifications: notificationsRepository(db, config.tableName),
  orders: ordersRepository(db, config.tableName),
  stopJobs: stopJobsRepository(db, config.tableName),
  priceChangeJobs: priceChangeJobsRepository(db, config.tableName),
  priceConsents: priceConsentsRepository(db, config.tableName),
  webhooks: webhooksRepository(db, config.tableName),
  allowLocalHttp: config.webhooksAllowLocalHttp,
  webhookSender: httpWebhookSender({ allowLocalHttp: config.webhooksAllowLocalHttp }),
  mailer: sesMailer(config.mailFrom),
  sms: snsSmsSender(),
  /** Only functions that declare the 'events' channel get a bus name; publishing without one is a wiring bug. */
  events: eventBusName ? eventBridgePublisher(eventBusName) : { publish: async () => { throw new Error(`${ENV.eventBusName} is not set: declare 'events' in this function's sends`); } },
  /** Only functions with `enqueuesFor` get a queue URL. */
  workQueue: workQueueUrl ? sqsWorkQueue(workQueueUrl) : { send: async () => { throw new Error(`${ENV.workQueueUrl} is not set: only a function with enqueuesFor has a work queue`); } },
  gateways: gatewayRegistryFromEnv(process.env, { contracts: pgContracts, sealer }),
};

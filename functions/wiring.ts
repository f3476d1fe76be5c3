/**
 * Every repository over the table, with the clock: for the local runtime
 * (seeding, `/_local/*`), tests and the bench. A deployed handler does not
 * import this: it names what it uses (functions/wiring/*.ts, `table(...)`), so
 * it bundles and starts only the adapters and SDK clients it needs
 * (system/functions.ts `sdkClientsOf`).
 */
import { creditsRepository } from './adapters/dynamodb/credits.repo.ts';
import { cyclesRepository } from './adapters/dynamodb/cycles.repo.ts';
import { dueWorkRepository } from './adapters/dynamodb/due-work.repo.ts';
import { notificationsRepository } from './adapters/dynamodb/notifications.repo.ts';
import { ordersRepository } from './adapters/dynamodb/orders.repo.ts';
import { productsRepository } from './adapters/dynamodb/products.repo.ts';
import { settingsRepository } from './adapters/dynamodb/settings.repo.ts';
import { shopsRepository } from './adapters/dynamodb/shops.repo.ts';
import { stopJobsRepository } from './adapters/dynamodb/stop-jobs.repo.ts';
import { subscriptionsRepository } from './adapters/dynamodb/subscriptions.repo.ts';
import { pgContractsRepository } from './adapters/dynamodb/pg-contracts.repo.ts';
import { priceChangeJobsRepository } from './adapters/dynamodb/price-change-jobs.repo.ts';
import { priceConsentsRepository } from './adapters/dynamodb/price-consents.repo.ts';
import { webhooksRepository } from './adapters/dynamodb/webhooks.repo.ts';
import { sealedBillingKeys } from './wiring/sealer.ts';
import { table } from './wiring/table.ts';

export { useClock } from './wiring/clock.ts';

export const deps = table({
  shops: shopsRepository,
  settings: settingsRepository,
  products: productsRepository,
  billingKeys: sealedBillingKeys,
  pgContracts: pgContractsRepository,
  dueWork: (client, name) => dueWorkRepository(client, name),
  subscriptions: (client, name) => subscriptionsRepository(client, name),
  cycles: cyclesRepository,
  credits: creditsRepository,
  notifications: notificationsRepository,
  orders: ordersRepository,
  stopJobs: stopJobsRepository,
  priceChangeJobs: priceChangeJobsRepository,
  priceConsents: priceConsentsRepository,
  webhooks: webhooksRepository,
});

export { webhookDeps } from './wiring/webhooks.ts';



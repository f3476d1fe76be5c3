/**
 * The table: one DynamoDB document client per container, and the
 * repositories over it — each built the first time a handler touches it, so a
 * function builds only the adapters it uses.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.ts';
import type { Clock } from '../core/clock.ts';
import { billingKeysRepository, type BillingKeysRepository } from '../adapters/dynamodb/billing-keys.repo.ts';
import { createDocumentClient } from '../adapters/dynamodb/client.ts';
import { creditsRepository, type CreditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import { cyclesRepository, type CyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { dueWorkRepository, type DueWorkRepository } from '../adapters/dynamodb/due-work.repo.ts';
import { notificationsRepository, type NotificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import { ordersRepository, type OrdersRepository } from '../adapters/dynamodb/orders.repo.ts';
import { productsRepository, type ProductsRepository } from '../adapters/dynamodb/products.repo.ts';
import { settingsRepository, type SettingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import { shopsRepository, type ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { stopJobsRepository, type StopJobsRepository } from '../adapters/dynamodb/stop-jobs.repo.ts';
import { subscriptionsRepository, type SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';

export const db = createDocumentClient();
export const tableName = config.tableName;

export interface Repositories {
  readonly clock: Clock;
  readonly shops: ShopsRepository;
  readonly settings: SettingsRepository;
  readonly products: ProductsRepository;
  readonly billingKeys: BillingKeysRepository;
  readonly dueWork: DueWorkRepository;
  readonly subscriptions: SubscriptionsRepository;
  readonly cycles: CyclesRepository;
  readonly credits: CreditsRepository;
  readonly notifications: NotificationsRepository;
  readonly orders: OrdersRepository;
  readonly stopJobs: StopJobsRepository;
}

const FACTORIES: { readonly [K in Exclude<keyof Repositories, 'clock'>]: (client: DynamoDBDocumentClient, table: string) => Repositories[K] } = {
  shops: shopsRepository,
  settings: settingsRepository,
  products: productsRepository,
  billingKeys: billingKeysRepository,
  dueWork: dueWorkRepository,
  subscriptions: subscriptionsRepository,
  cycles: cyclesRepository,
  credits: creditsRepository,
  notifications: notificationsRepository,
  orders: ordersRepository,
  stopJobs: stopJobsRepository,
};

/** The repositories over `client` (the daily runs pass a batching one), each created on first use. */
export function repositories(client: DynamoDBDocumentClient, clock: Clock): Repositories {
  const built = new Map<string, unknown>();
  const lazy = Object.fromEntries(
    Object.entries(FACTORIES).map(([name, factory]) => [
      name,
      {
        enumerable: true,
        get: () => {
          if (!built.has(name)) built.set(name, (factory as (c: DynamoDBDocumentClient, t: string) => unknown)(client, tableName));
          return built.get(name);
        },
      },
    ]),
  );
  return Object.defineProperties({ clock }, lazy) as Repositories;
}

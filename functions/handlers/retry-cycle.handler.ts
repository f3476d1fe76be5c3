import { operation } from '../api/merchant-actions/retry-cycle.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { retryCycle } from '../use-cases/retry-cycle.ts';
import { chargeSettings } from '../charge-settings.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { notificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import { settingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionRecords } from '../adapters/dynamodb/subscriptions.repo.ts';
import { events } from '../wiring/events.ts';
import { gateways } from '../wiring/charging-gateways.ts';
import { mailer } from '../wiring/mailer.ts';
import { sealedBillingKeys } from '../wiring/sealer.ts';
import { table } from '../wiring/table.ts';

const deps = {
  ...table({ cycles: cyclesRepository, subscriptions: subscriptionRecords, shops: shopsRepository, settings: settingsRepository, notifications: notificationsRepository, billingKeys: sealedBillingKeys }),
  gateways,
  mailer,
  events,
  // The charge run's step, with its settings (the next run an unknown outcome is looked up at).
  ...chargeSettings,
};

export const handler = httpHandler(
  operation,
  async ({ principal, params }) => reply(await retryCycle(deps, principal.shop, params.subscriptionId, params.deliveryDate)),
  { idempotency: idempotentRoute },
);

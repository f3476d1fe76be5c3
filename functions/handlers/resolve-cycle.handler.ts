import { operation } from '../api/subscriptions/resolve-cycle.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { resolveCycle } from '../use-cases/resolve-cycle.ts';
import { chargeSettings } from '../charge-settings.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { notificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import { settingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import { shopRecords } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionRecords } from '../adapters/dynamodb/subscriptions.repo.ts';
import { events } from '../wiring/events.ts';
import { mailer } from '../wiring/mailer.ts';
import { table } from '../wiring/table.ts';

const deps = {
  ...table({ cycles: cyclesRepository, subscriptions: (client, name) => subscriptionRecords(client, name), shops: shopRecords, settings: settingsRepository, notifications: notificationsRepository }),
  mailer,
  events,
  // The follow-ups are the charge worker's own, with its settings.
  ...chargeSettings,
};

export const handler = httpHandler(operation, async ({ principal, params, body }) =>
  reply(await resolveCycle(deps, principal.shop, principal.sub, params.subscriptionId, params.deliveryDate, body)),
  { idempotency: idempotentRoute },
);

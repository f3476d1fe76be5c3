import { operation } from '../api/merchant-actions/change-shop-subscription.operation.ts';
import { toSubscriptionDetailView } from '../domain/subscription.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { changeOnBehalf } from '../use-cases/change-on-behalf.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { notificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { events } from '../wiring/events.ts';
import { mailer } from '../wiring/mailer.ts';
import { table } from '../wiring/table.ts';

const deps = {
  ...table({ subscriptions: subscriptionsRepository, cycles: cyclesRepository, shops: shopsRepository, products: productsRepository, notifications: notificationsRepository }),
  mailer,
  events,
};

export const handler = httpHandler(operation, async ({ principal, params, body }) =>
  reply(toSubscriptionDetailView(await changeOnBehalf(deps, principal.shop, principal.sub, params.subscriptionId, body))),
);

import { operation } from '../api/storefront/cancel-subscription.operation.ts';
import { toSubscriptionDetailView } from '../domain/subscription.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { cancelSubscription } from '../use-cases/cancel-subscription.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { events } from '../wiring/events.ts';
import { table } from '../wiring/table.ts';

const deps = { ...table({ subscriptions: subscriptionsRepository, cycles: cyclesRepository, shops: shopsRepository }), events };

export const handler = httpHandler(operation, async ({ principal, params, body }) =>
  reply(toSubscriptionDetailView(await cancelSubscription(deps, principal.shop, principal.sub, params.subscriptionId, body.productIds))),
);

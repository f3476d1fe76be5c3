import { operation } from '../api/storefront/resume-subscription.operation.ts';
import { toSubscriptionDetailView } from '../domain/subscription.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { resumeSubscription } from '../use-cases/between-deliveries/pause.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { events } from '../wiring/events.ts';
import { table } from '../wiring/table.ts';

const deps = { ...table({ subscriptions: subscriptionsRepository, cycles: cyclesRepository, shops: shopsRepository, products: productsRepository }), events };

export const handler = httpHandler(
  operation,
  async ({ principal, params }) => reply(toSubscriptionDetailView(await resumeSubscription(deps, { shopId: principal.shop, actor: { role: 'customer', id: principal.sub } }, params.subscriptionId))),
  { idempotency: idempotentRoute },
);

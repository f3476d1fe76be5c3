import { operation } from '../api/storefront/start-card-change.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { startCardChange } from '../use-cases/between-deliveries/change-card.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { gateways } from '../wiring/gateways.ts';
import { table } from '../wiring/table.ts';

const deps = { ...table({ shops: shopsRepository, products: productsRepository, subscriptions: subscriptionsRepository }), gateways };

export const handler = httpHandler(
  operation,
  async ({ principal, params }) => reply(await startCardChange(deps, { shopId: principal.shop, actor: { role: 'customer', id: principal.sub } }, params.subscriptionId)),
  { idempotency: idempotentRoute },
);

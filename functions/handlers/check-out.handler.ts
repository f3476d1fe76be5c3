import { operation } from '../api/storefront/check-out.operation.ts';
import { toSubscriptionView } from '../domain/subscription.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { checkOut } from '../use-cases/check-out.ts';
import { sealedBillingKeys } from '../wiring/sealer.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { events } from '../wiring/events.ts';
import { table } from '../wiring/table.ts';
import { gateways } from '../wiring/gateways.ts';

const deps = table({ shops: shopsRepository, products: productsRepository, subscriptions: subscriptionsRepository, cycles: cyclesRepository, billingKeys: sealedBillingKeys });
const storefront = { ...deps, gateways, events };

export const handler = httpHandler(operation, async ({ principal, params, body }) =>
  reply(toSubscriptionView(await checkOut(storefront, principal.shop, principal.sub, params.subscriptionId, body))),
  { idempotency: idempotentRoute },
);

import { operation } from '../api/storefront/sign-up.operation.ts';
import { toSubscriptionView } from '../domain/subscription.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { signUp } from '../use-cases/sign-up.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { events } from '../wiring/events.ts';
import { table } from '../wiring/table.ts';
import { gateways } from '../wiring/gateways.ts';

const deps = table({ shops: shopsRepository, products: productsRepository, subscriptions: subscriptionsRepository });
const storefront = { ...deps, gateways, events };

export const handler = httpHandler(operation, async ({ principal, body }) => {
  const { subscription, registration } = await signUp(storefront, principal.shop, principal.sub, body);
  return reply({ subscription: toSubscriptionView(subscription), registration });
}, { idempotency: idempotentRoute });

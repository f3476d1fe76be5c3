import { operation } from '../api/subscriptions/get-shop-subscription.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getShopSubscription } from '../use-cases/get-shop-subscription.ts';
import { priceConsentsRepository } from '../adapters/dynamodb/price-consents.repo.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ subscriptions: subscriptionsRepository, products: productsRepository, priceConsents: priceConsentsRepository });

export const handler = httpHandler(operation, async ({ principal, params }) =>
  reply(await getShopSubscription(deps, principal.shop, params.subscriptionId)),
);

import { operation } from '../api/storefront/answer-price-change.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { answerPriceChange } from '../use-cases/price-consent.ts';
import { priceConsentsRepository } from '../adapters/dynamodb/price-consents.repo.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ subscriptions: subscriptionsRepository, products: productsRepository, priceConsents: priceConsentsRepository });

export const handler = httpHandler(operation, async ({ principal, params, body }) =>
  reply(await answerPriceChange(deps, principal.shop, principal.sub, params.subscriptionId, body.accept)),
  { idempotency: idempotentRoute },
);

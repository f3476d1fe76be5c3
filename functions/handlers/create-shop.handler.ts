import { operation } from '../api/shops/create-shop.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { createShop, toShopView } from '../use-cases/create-shop.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository });

export const handler = httpHandler(operation, async ({ body }) => reply(toShopView(await createShop(deps, body))), { idempotency: idempotentRoute });

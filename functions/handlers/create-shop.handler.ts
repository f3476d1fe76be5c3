import { shopsApi } from '../api/shops.api.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { createShop, toShopView } from '../use-cases/create-shop.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository });

export const handler = httpHandler(shopsApi.createShop, async ({ body }) => reply(toShopView(await createShop(deps, body))), { idempotency: idempotentRoute });

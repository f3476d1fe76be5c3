import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { createShop, toShopView } from '../use-cases/create-shop.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.createShop, async ({ body }) => reply(toShopView(await createShop(deps, body))));

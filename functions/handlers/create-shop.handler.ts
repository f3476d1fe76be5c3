import { FUNCTIONS } from '../../system/functions.ts';
import { created, httpHandler } from '../http/http-handler.ts';
import { createShopBody } from '../schemas/shop.schema.ts';
import { createShop } from '../use-cases/create-shop.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(FUNCTIONS.createShop, { body: createShopBody }, async ({ body }) =>
  created(await createShop(deps, body)),
);

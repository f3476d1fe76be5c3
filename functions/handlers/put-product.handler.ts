import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { putProduct } from '../use-cases/products.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.putProduct, async ({ principal, params, body }) => reply(await putProduct(deps, principal.shop, params.productId, body)));

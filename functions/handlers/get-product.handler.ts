import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getProduct } from '../use-cases/products.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.getProduct, async ({ principal, params }) => reply(await getProduct(deps, principal.shop, params.productId)));

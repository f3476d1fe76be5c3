import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listProducts } from '../use-cases/products.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.listProducts, async ({ principal, query }) => reply(await listProducts(deps, principal.shop, query)));

import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getPurchaseOptions } from '../use-cases/products.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.getPurchaseOptions, async ({ params }) => reply(await getPurchaseOptions(deps, params.shopId, params.productId)));

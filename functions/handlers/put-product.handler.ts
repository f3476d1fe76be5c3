import { operation } from '../api/products/put-product.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { putProduct } from '../use-cases/products.ts';
import { priceChangeJobsRepository } from '../adapters/dynamodb/price-change-jobs.repo.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const deps = { ...table({ shops: shopsRepository, products: productsRepository, priceChangeJobs: priceChangeJobsRepository }), workQueue };

export const handler = httpHandler(operation, async ({ principal, params, body }) => reply(await putProduct(deps, principal.shop, params.productId, body)));

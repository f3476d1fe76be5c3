import { operation } from '../api/products/get-product.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getProduct } from '../use-cases/products.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository, products: productsRepository });

export const handler = httpHandler(operation, async ({ principal, params }) => reply(await getProduct(deps, principal.shop, params.productId)));

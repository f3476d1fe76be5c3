import { operation } from '../api/products/list-products.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listProducts } from '../use-cases/products.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository, products: productsRepository });

export const handler = httpHandler(operation, async ({ principal, query }) => reply(await listProducts(deps, principal.shop, query)));

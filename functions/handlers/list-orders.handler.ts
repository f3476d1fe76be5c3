import { operation } from '../api/orders/list-orders.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listOrders } from '../use-cases/orders.ts';
import { ordersRepository } from '../adapters/dynamodb/orders.repo.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ orders: ordersRepository, products: productsRepository });

export const handler = httpHandler(operation, async ({ principal, query }) => reply(await listOrders(deps, principal.shop, query)));

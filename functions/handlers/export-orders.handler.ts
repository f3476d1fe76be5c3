import { operation } from '../api/orders/export-orders.operation.ts';
import { httpHandler, replyText } from '../http/http-handler.ts';
import { exportOrders } from '../use-cases/orders.ts';
import { ordersRepository } from '../adapters/dynamodb/orders.repo.ts';
import { productsRepository } from '../adapters/dynamodb/products.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ orders: ordersRepository, products: productsRepository });

export const handler = httpHandler(operation, async ({ principal, query }) => {
  const { filename, csv } = await exportOrders(deps, principal.shop, query);
  return replyText(csv, 'text/csv; charset=utf-8', { 'content-disposition': `attachment; filename="${filename}"` });
});

/**
 * What the shop ships (issue 13): its orders — the CHARGED cycles — and its failed payments, for fulfilment.
 *
 * - `listOrders` (GET /admin/orders): one status (CHARGED by default, or FAILED), paid (failed) on a Seoul date
 *   in [from, to], newest first, paged like every list; a range is the index's key condition (no scan).
 * - `exportOrders` (GET /admin/orders.csv): every CHARGED cycle of a range of at most MAX_EXPORT_DAYS days,
 *   sorted for the warehouse by delivery date, as CSV (functions/http/csv.ts: UTF-8 with BOM, RFC 4180,
 *   formula-injection guard). At most MAX_EXPORT_ROWS rows: a range that holds more is refused (422
 *   EXPORT_TOO_LARGE, narrow the range) rather than cut short, so an export is never silently incomplete.
 *
 * The range is the date the order was PAID (charged at, Asia/Seoul), not its delivery date: every order
 * appears in exactly one day's export, including one paid late by a retry after its delivery date.
 */
import type { OrdersRepository } from '../adapters/dynamodb/orders.repo.ts';
import type { ProductsRepository } from '../adapters/dynamodb/products.repo.ts';
import type { Clock } from '../core/clock.ts';
import { addDays, seoulDate } from '../core/dates.ts';
import { Unprocessable, ValidationFailed } from '../core/errors.ts';
import type { Cycle } from '../domain/cycle.ts';
import { toOrderView, type OrderStatus } from '../domain/order.ts';
import { toCsv, type CsvCell } from '../http/csv.ts';

export interface OrdersDeps {
  readonly orders: Pick<OrdersRepository, 'page' | 'allCharged'>;
  readonly products: Pick<ProductsRepository, 'get'>;
  readonly clock: Clock;
}

/** The longest range one export covers (a month of orders). */
export const MAX_EXPORT_DAYS = 31;
/** The most rows one export answers (~3 MB of CSV, well within a Lambda response's 6 MB). */
export const MAX_EXPORT_ROWS = 10_000;
/** Without `from`, a list starts this many days before `to`. */
const DEFAULT_LIST_DAYS = 30;

/** The names of the products the cycles hold, read once each. */
async function productNames(deps: OrdersDeps, shopId: string, cycles: readonly Cycle[]): Promise<(productId: string) => string | undefined> {
  const ids = [...new Set(cycles.flatMap((cycle) => cycle.items.map((line) => line.productId)))];
  const found = await Promise.all(ids.map(async (id) => [id, (await deps.products.get(shopId, id))?.name] as const));
  const names = new Map(found.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
  return (productId) => names.get(productId);
}

export async function listOrders(
  deps: OrdersDeps,
  shopId: string,
  query: { readonly status?: OrderStatus | undefined; readonly from?: string | undefined; readonly to?: string | undefined; readonly limit: number; readonly cursor?: string | undefined },
) {
  const to = query.to ?? seoulDate(deps.clock.now());
  const from = query.from ?? addDays(to, -DEFAULT_LIST_DAYS);
  const page = await deps.orders.page(shopId, { status: query.status ?? 'CHARGED', from, to }, { limit: query.limit, cursor: query.cursor });
  const nameOf = await productNames(deps, shopId, page.items);
  // The range it read (an addition to the list shape): a console offers the same range as a CSV export.
  return { items: page.items.map((cycle) => toOrderView(cycle, nameOf)), nextCursor: page.nextCursor, from, to };
}

/** The export's columns: what the warehouse ships. */
export const ORDER_CSV_HEADER = ['주문번호', '배송일', '수령인', '수령인 연락처', '우편번호', '주소', '상세주소', '상품', '결제금액', '결제일시', '정기배송번호', '고객ID'] as const;

export async function exportOrders(deps: OrdersDeps, shopId: string, query: { readonly from?: string | undefined; readonly to?: string | undefined }): Promise<{ filename: string; csv: string }> {
  // Without a range, today's orders (what a warehouse fetches each day); one bound alone is that one day.
  const to = query.to ?? query.from ?? seoulDate(deps.clock.now());
  const from = query.from ?? to;
  if (from < addDays(to, -(MAX_EXPORT_DAYS - 1))) throw new ValidationFailed([{ path: 'query.to', message: `An export covers at most ${MAX_EXPORT_DAYS} days.` }]);
  const range = { from, to };
  const cycles = await deps.orders.allCharged(shopId, range, MAX_EXPORT_ROWS);
  if (cycles.length > MAX_EXPORT_ROWS) throw new Unprocessable('EXPORT_TOO_LARGE', `More than ${MAX_EXPORT_ROWS} orders were paid in this range; export a shorter range.`, [{ path: 'query.to', message: 'Narrow the range.' }]);
  const nameOf = await productNames(deps, shopId, cycles);
  const rows: CsvCell[][] = cycles
    .map((cycle) => toOrderView(cycle, nameOf))
    .sort((a, b) => a.deliveryDate.localeCompare(b.deliveryDate) || (a.orderId ?? '').localeCompare(b.orderId ?? ''))
    .map((order) => [
      order.orderId,
      order.deliveryDate,
      order.shippingAddress?.recipient,
      order.shippingAddress?.phone,
      order.shippingAddress?.postalCode,
      order.shippingAddress?.address1,
      order.shippingAddress?.address2,
      order.items.map((line) => `${line.name ?? line.productId} x${line.quantity}`).join('; '),
      order.amount,
      order.paidAt,
      order.subscriptionId,
      order.customerId,
    ]);
  return { filename: `orders-${range.from}-${range.to}.csv`, csv: toCsv(ORDER_CSV_HEADER, rows) };
}

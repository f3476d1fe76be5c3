/** The shop's orders (S17, S18): documentation side (functions/api/operation-docs.ts). */
import * as z from '../../core/validation.ts';
import { ORDER_STATUSES } from '../../domain/order.ts';
import { MAX_EXPORT_DAYS, MAX_EXPORT_ROWS } from '../../use-cases/orders.ts';
import type { AreaDocs } from '../operation-docs.ts';
import { isoDateSchema } from '../common.schema.ts';
import { pageOf, timestampSchema } from '../common.view.ts';

export const orderView = z.object({
  orderId: z.nullable(z.string()).check(z.describe('The merchant order id the PG was charged under; for a FAILED payment its last attempt\'s (null when none reached the PG)')),
  status: z.enum(ORDER_STATUSES),
  subscriptionId: z.string(),
  customerId: z.string(),
  deliveryDate: isoDateSchema,
  amount: z.int().check(z.describe('Integer KRW, as announced (S18)')),
  items: z.array(z.object({ productId: z.string(), name: z.optional(z.string()), quantity: z.int(), unitPrice: z.int() })),
  shippingAddress: z.optional(z.object({ recipient: z.string(), phone: z.string(), postalCode: z.string(), address1: z.string(), address2: z.optional(z.string()) })),
  paidAt: z.optional(timestampSchema),
  chargedAt: z.optional(timestampSchema),
  failedAt: z.optional(timestampSchema),
  attempts: z.optional(z.int()),
  failure: z.optional(z.object({ code: z.string(), message: z.string() })),
});

export const ordersDocs = {
  listOrders: {
    summary:
      "The shop's orders for fulfilment — its CHARGED cycles: what to ship, where, and what was paid — newest first by when they were paid, in a range of Seoul dates (default the last 30 days). " +
      'status=FAILED lists the payments that failed for good instead. Paged like every list; a cursor only continues the query that produced it.',
    rules: ['S17', 'S18'],
    response: z.extend(pageOf(orderView), { from: isoDateSchema.check(z.describe('The range read, as given or defaulted')), to: isoDateSchema }),
    errors: [],
  },
  exportOrders: {
    summary:
      `The orders paid in a range of Seoul dates (at most ${MAX_EXPORT_DAYS} days; default today's, or the day given as from or to) as CSV for the warehouse, sorted by delivery date: order id, delivery date, recipient, phone, postal code, address, items, amount, paid at, subscription, customer. ` +
      'UTF-8 with a byte-order mark (Excel opens Korean correctly), RFC 4180 quoting, and a cell that would start a spreadsheet formula (=, +, -, @) prefixed with an apostrophe. ' +
      `At most ${MAX_EXPORT_ROWS} rows: a range holding more is refused, never cut short. Each order is in exactly one day's export (by when it was paid).`,
    rules: ['S17'],
    response: z.string().check(z.describe('text/csv; charset=utf-8, with a BOM; the first row holds the column names (Korean)')),
    errors: [{ status: 422, code: 'EXPORT_TOO_LARGE', when: `the range holds more than ${MAX_EXPORT_ROWS} orders; export a shorter range` }],
  },
} satisfies AreaDocs;

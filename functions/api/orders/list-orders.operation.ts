import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { ORDER_STATUSES } from '../../domain/order.ts';
import { isoDateSchema } from '../common.schema.ts';
import { pageQuery } from '../page-query.schema.ts';
import { defineOperation } from '../operation.ts';
import { inOrder, notBefore } from './date-range.ts';

const listOrdersQuery = z
  .extend(pageQuery, {
    status: z.optional(z.enum(ORDER_STATUSES)).check(z.describe('CHARGED (default): orders to ship; FAILED: payments that failed for good (retry them with POST …/cycles/{deliveryDate}/retry)')),
    from: z.optional(isoDateSchema).check(z.describe('Paid (or failed) on or after this Seoul date; default 30 days before `to`')),
    to: z.optional(isoDateSchema).check(z.describe('Paid (or failed) on or before this Seoul date; default today')),
  })
  .check(z.refine(inOrder, notBefore));

export const operation = defineOperation('listOrders', { route: fn.listOrders, query: listOrdersQuery, status: 200 });

import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { MAX_EXPORT_DAYS } from '../../use-cases/orders.ts';
import { isoDateSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';
import { inOrder, notBefore } from './date-range.ts';

const daysIn = (from: string, to: string) => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;

const exportOrdersQuery = z
  .strictObject({
    from: z.optional(isoDateSchema).check(z.describe('Paid on or after this Seoul date; default `to`')),
    to: z.optional(isoDateSchema).check(z.describe(`Paid on or before this Seoul date, at most ${MAX_EXPORT_DAYS} days after from; default today`)),
  })
  .check(
    z.refine(inOrder, notBefore),
    z.refine((query) => query.from === undefined || query.to === undefined || query.from > query.to || daysIn(query.from, query.to) <= MAX_EXPORT_DAYS, {
      path: ['to'],
      message: `An export covers at most ${MAX_EXPORT_DAYS} days.`,
    }),
  );

export const operation = defineOperation('exportOrders', { route: fn.exportOrders, query: exportOrdersQuery, status: 200, contentType: 'text/csv' });

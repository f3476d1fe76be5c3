/**
 * Response pieces shared by the views of several areas: documentation side (functions/api/operation-docs.ts),
 * imported only by `*.docs.ts`, `*.views.ts`, openapi.ts and tests.
 */
import * as z from '../core/validation.ts';
import { isoDateSchema } from './common.schema.ts';
import { priceIncreasePolicySchema } from './products/product.schema.ts';

export const timestampSchema = z.string().check(z.describe('ISO 8601 with offset, e.g. 2026-11-27T10:00:00+09:00'));

/** Issue 14: a card's expiry month, a masked fact (valid through the month's last day). */
export const cardExpirySchema = z
  .object({ year: z.int().check(z.describe('Four digits')), month: z.int().check(z.gte(1), z.lte(12)) })
  .check(z.describe("The card's expiry month (valid through its last day), where the PG reports it; absent otherwise (Toss Payments, PortOne, NICE and KakaoPay do not)"));

/** A page of a list: its items and the cursor of the next page (null: the last). */
export const pageOf = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });

export const priceChangeView = z.object({
  changeId: z.string(),
  productId: z.string(),
  oldPrice: z.int(),
  newPrice: z.int(),
  announcedOn: isoDateSchema,
  increaseFrom: z.optional(isoDateSchema).check(z.describe('First payment-notice date that may lock the new price (announcedOn + 30 days); absent for a decrease, which applies at once')),
  policy: priceIncreasePolicySchema,
  announcedAt: z.optional(timestampSchema),
});

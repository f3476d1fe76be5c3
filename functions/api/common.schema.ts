import * as z from '../core/validation.ts';
import { ID_PATTERN } from '../adapters/dynamodb/keys.ts';
import { isIsoDate } from '../core/dates.ts';
import { CYCLE_CODES } from '../domain/product.ts';

/** Ids become parts of table keys, so they never contain the key separator. */
export const idSchema = z.string().check(z.regex(ID_PATTERN, 'Use 1–64 letters, digits, "-" or "_", starting with a letter or digit.'));

export const isoDateSchema = z.string().check(z.refine(isIsoDate, 'Use a calendar date, YYYY-MM-DD.'));

export const timestampSchema = z.string().check(z.describe('ISO 8601 with offset, e.g. 2026-11-27T10:00:00+09:00'));

/** `?limit=&cursor=` of every list (contract: 1–100, default 20). */
export const pageQuery = z.strictObject({
  limit: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(1), z.lte(100))), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});

export const pageOf = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), nextCursor: z.nullable(z.string()) });

export const cycleSchema = z.enum(CYCLE_CODES);

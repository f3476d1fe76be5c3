import { z } from 'zod';
import { ID_PATTERN } from '../adapters/dynamodb/keys.ts';
import { isIsoDate } from '../core/dates.ts';
import { CYCLE_CODES } from '../domain/product.ts';

/** Ids become parts of table keys, so they never contain the key separator. */
export const idSchema = z.string().regex(ID_PATTERN, 'Use 1–64 letters, digits, "-" or "_", starting with a letter or digit.');

export const isoDateSchema = z.string().refine(isIsoDate, 'Use a calendar date, YYYY-MM-DD.');

export const timestampSchema = z.string().describe('ISO 8601 with offset, e.g. 2026-11-27T10:00:00+09:00');

/** `?limit=&cursor=` of every list (contract: 1–100, default 20). */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(2048).optional(),
});

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const cycleSchema = z.enum(CYCLE_CODES);

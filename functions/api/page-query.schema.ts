import * as z from '../core/validation.ts';
import { opaqueText } from './common.schema.ts';

/** `?limit=&cursor=` of every list (contract: 1–100, default 20). */
export const pageQuery = z.strictObject({
  limit: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(1), z.lte(100))), 20),
  cursor: z.optional(opaqueText(2048)),
});

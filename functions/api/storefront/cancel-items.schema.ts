/**
 * The items a cancel ends: some of them, or (absent, or all of them) the whole subscription (S18, S19). The
 * buyer's cancel and the shop's on the buyer's behalf take the same body.
 */
import * as z from '../../core/validation.ts';
import { idSchema } from '../common.schema.ts';

export const cancelSubscriptionBody = z.strictObject({ productIds: z.optional(z.array(idSchema).check(z.minLength(1), z.maxLength(20))) });

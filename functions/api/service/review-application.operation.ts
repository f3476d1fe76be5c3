import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { freeText, idSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('reviewApplication', {
  route: fn.reviewApplication,
  params: z.strictObject({ shopId: idSchema }),
  body: z
    .strictObject({ decision: z.enum(['approved', 'rejected']), reason: z.optional(freeText(500)) })
    .check(z.refine((body) => body.decision === 'approved' || body.reason !== undefined, { path: ['reason'], message: 'A rejection needs a reason.' })),
  status: 200,
});

import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { idSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

const amount = z.int('Credits are whole numbers.').check(z.gte(1), z.lte(10_000_000));

const topUpCreditsBody = z
  .strictObject({
    sms: z.optional(amount),
    bulkMail: z.optional(amount),
    reference: z.optional(idSchema).check(z.describe('The purchase this top-up is for; a top-up repeated with the same reference is applied once')),
  })
  .check(z.refine((body) => body.sms !== undefined || body.bulkMail !== undefined, { path: ['sms'], message: 'Top up sms, bulkMail, or both.' }));

export const operation = defineOperation('topUpCredits', { route: fn.topUpCredits, params: z.strictObject({ shopId: idSchema }), body: topUpCreditsBody, status: 200 });

import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { CARD_PGS, EASY_PAYS } from '../../domain/shop.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('applyForService', {
  route: fn.applyForService,
  body: z._default(z.strictObject({ cardPg: z.optional(z.enum(CARD_PGS)), easyPay: z.optional(z.array(z.enum(EASY_PAYS)).check(z.maxLength(1))) }), {}),
  status: 201,
});

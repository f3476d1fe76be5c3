import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { freeText, idSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('createShop', {
  route: fn.createShop,
  body: z.strictObject({
    shopId: idSchema,
    name: freeText(100),
    operatorEmail: z.email(),
    productManagement: z.enum(['new', 'legacy']),
  }),
  status: 201,
});

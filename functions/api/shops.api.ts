import * as z from '../core/validation.ts';
import * as fn from '../../system/functions.ts';
import { idSchema, timestampSchema, freeText } from './common.schema.ts';
import { defineOperation, operationsOf } from './operation.ts';

export const shopView = z.object({
  shopId: z.string(),
  name: z.string(),
  operatorEmail: z.string(),
  productManagement: z.enum(['new', 'legacy']),
  createdAt: timestampSchema,
});

export const shopsApi = operationsOf({
  createShop: defineOperation({
    route: fn.createShop,
    summary: 'Register a shop with its operator email and product-management generation',
    rules: ['S8'],
    body: z.strictObject({
      shopId: idSchema,
      name: freeText(100),
      operatorEmail: z.email(),
      productManagement: z.enum(['new', 'legacy']),
    }),
    response: { status: 201, schema: shopView },
    errors: [{ status: 409, code: 'SHOP_ALREADY_EXISTS', when: 'a shop with this id exists' }],
  }),
});

/** Shops (S8): documentation side (functions/api/operation-docs.ts). */
import * as z from '../../core/validation.ts';
import type { AreaDocs } from '../operation-docs.ts';
import { timestampSchema } from '../common.view.ts';

export const shopView = z.object({
  shopId: z.string(),
  name: z.string(),
  operatorEmail: z.string(),
  productManagement: z.enum(['new', 'legacy']),
  createdAt: timestampSchema,
});

export const shopsDocs = {
  createShop: {
    summary: 'Register a shop with its operator email and product-management generation',
    rules: ['S8'],
    response: shopView,
    errors: [{ status: 409, code: 'SHOP_ALREADY_EXISTS', when: 'a shop with this id exists' }],
  },
} satisfies AreaDocs;

import { z } from 'zod';
import { ID_PATTERN } from '../adapters/dynamodb/keys.ts';

export const shopIdSchema = z.string().regex(ID_PATTERN, 'Use 1–64 letters, digits, "-" or "_", starting with a letter or digit.');

/** `POST /platform/shops` */
export const createShopBody = z.strictObject({
  shopId: shopIdSchema,
  name: z.string().trim().min(1).max(100),
  operatorEmail: z.email(),
  productManagement: z.enum(['new', 'legacy']),
});

/** What a buyer enters at signup and may change later (issue 13): items, contact phone, shipping address. */
import * as z from '../../core/validation.ts';
import { freeText, idSchema } from '../common.schema.ts';

/** Korean mobile numbers: 010-1234-5678, 01012345678, or +82 10 1234 5678. */
export const koreanMobile = z.pipe(
  z.pipe(
    z.string(),
    z.transform((value: string) => value.replace(/[\s-]/g, '')),
  ),
  z.string().check(z.regex(/^(\+8210|010|011|016|017|018|019)\d{7,8}$/, 'A Korean mobile number, e.g. 010-1234-5678.')),
);

export function shippingAddressSchema() {
  return z.strictObject({
    recipient: freeText(50),
    phone: koreanMobile,
    postalCode: z.string().check(z.regex(/^\d{5}$/, 'A five-digit Korean postal code.')),
    address1: freeText(200),
    address2: z.optional(freeText(200, 0)),
  });
}

export const itemsSchema = z
  .array(z.strictObject({ productId: idSchema, quantity: z.int().check(z.gte(1), z.lte(99)) }))
  .check(
    z.minLength(1),
    z.maxLength(20),
    z.refine((items) => new Set(items.map((item) => item.productId)).size === items.length, 'List each product once.'),
  );

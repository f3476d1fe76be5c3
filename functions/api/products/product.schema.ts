/** A product as the merchant saves it (S13, S14; issue 14's delivery-number discounts and price-increase policy). */
import * as z from '../../core/validation.ts';
import { discountProblems } from '../../domain/pricing.ts';
import { freeText } from '../common.schema.ts';
import { cycleSchema } from '../cycle.schema.ts';

/** Issue 14: what a subscriber with no answer to a price increase gets (a product's setting; shown on its price changes). */
export const priceIncreasePolicySchema = z.enum(['keep-old-price', 'end-subscription']);

export const MAX_PRICE = 100_000_000;
export const MAX_DELIVERIES = 1_000;

export const discountRule = z
  .strictObject({
    fromDelivery: z.int().check(z.gte(1), z.lte(MAX_DELIVERIES)),
    toDelivery: z.optional(z.int().check(z.gte(1), z.lte(MAX_DELIVERIES))),
    percent: z.optional(z.int('A whole percent.').check(z.gte(1), z.lte(99))),
    won: z.optional(z.int('Money is whole won.').check(z.gte(1), z.lte(MAX_PRICE))),
  })
  .check(z.refine((rule) => (rule.percent === undefined) !== (rule.won === undefined), { message: 'Give exactly one of percent or won.' }));

export const productFields = z.strictObject({
  name: freeText(200),
  price: z.int('Money is whole won.').check(z.gte(1), z.lte(MAX_PRICE)),
  subscription: z
    .strictObject({ enabled: z.boolean(), cycles: z.array(cycleSchema).check(z.maxLength(11)) })
    .check(
      z.refine((s) => new Set(s.cycles).size === s.cycles.length, { path: ['cycles'], message: 'List each cycle once.' }),
      z.refine((s) => !s.enabled || s.cycles.length > 0, { path: ['cycles'], message: 'A subscribable product offers at least one cycle.' }),
    ),
  onePlusNEvent: z.boolean().check(z.describe('A "1+N event" product; it can never be subscribed, whatever its other settings (S14)')),
  maxDeliveries: z.optional(z.int().check(z.gte(1), z.lte(MAX_DELIVERIES))).check(z.describe('After this many charged deliveries the subscription ends as COMPLETED')),
  discounts: z
    .optional(z.array(discountRule).check(z.maxLength(20)))
    .check(z.describe('Discounts by delivery number, e.g. 1–2: 5 %, from 3: 10 %; non-overlapping; a percent is rounded down to the won')),
  priceIncreasePolicy: z
    .optional(priceIncreasePolicySchema)
    .check(
      z.describe(
        'A subscriber who has not consented to a price increase by its first increased notice keeps the old price (keep-old-price, the default) or the subscription ends before that cycle (end-subscription)',
      ),
    ),
});

/** The body of PUT /admin/products/{productId}: the fields, and discounts that fit the price and the delivery count. */

export const productBody = productFields.check(
  z.superRefine((product, context) => {
    for (const problem of discountProblems(product.discounts ?? [], product.price, product.maxDeliveries)) {
      context.addIssue({ code: 'custom', path: problem.path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)), message: problem.message });
    }
  }),
);

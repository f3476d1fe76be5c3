import * as z from '../core/validation.ts';
import * as fn from '../../system/functions.ts';
import { cycleSchema, idSchema, isoDateSchema, pageOf, pageQuery, priceChangeView, priceIncreasePolicySchema, timestampSchema, freeText } from './common.schema.ts';
import { defineOperation, notFound, operationsOf } from './operation.ts';
import { discountProblems } from '../domain/pricing.ts';

export const MAX_PRICE = 100_000_000;

export const MAX_DELIVERIES = 1_000;


const discountRule = z
  .strictObject({
    fromDelivery: z.int().check(z.gte(1), z.lte(MAX_DELIVERIES)),
    toDelivery: z.optional(z.int().check(z.gte(1), z.lte(MAX_DELIVERIES))),
    percent: z.optional(z.int('A whole percent.').check(z.gte(1), z.lte(99))),
    won: z.optional(z.int('Money is whole won.').check(z.gte(1), z.lte(MAX_PRICE))),
  })
  .check(z.refine((rule) => (rule.percent === undefined) !== (rule.won === undefined), { message: 'Give exactly one of percent or won.' }));

const productFields = z.strictObject({
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

/** One recorded list-price change (issue 14), as products and subscriptions show it. */

export const productBody = productFields.check(
  z.superRefine((product, context) => {
    for (const problem of discountProblems(product.discounts ?? [], product.price, product.maxDeliveries)) {
      context.addIssue({ code: 'custom', path: problem.path.split('.').map((part) => (/^\d+$/.test(part) ? Number(part) : part)), message: problem.message });
    }
  }),
);

export const productView = z.extend(productFields, {
  productId: z.string(),
  /** Derived: enabled and not a 1+N event (S13, S14). */
  subscribable: z.boolean(),
  priceIncreasePolicy: priceIncreasePolicySchema,
  priceChanges: z.optional(z.array(priceChangeView)).check(z.describe('Every list-price change, oldest first (issue 14: the 30-day consent to an increase)')),
  updatedAt: timestampSchema,
});

export const purchaseOptions = z.object({
  product: z
    .object({ name: z.string(), price: z.int().check(z.describe('Integer KRW, per unit')), onePlusNEvent: z.boolean() })
    .check(z.describe('What the product page shows beside the purchase method (the price per delivery is price × quantity)')),
  purchaseMethods: z.union([z.tuple([z.literal('one-time')]), z.tuple([z.literal('one-time'), z.literal('subscription')])]),
  cycles: z.array(cycleSchema),
  paymentMethods: z.array(z.enum(['card', 'kakaopay'])).check(z.describe('How a subscription can pay in this shop (S9, S16)')),
  earliestStartDate: z.nullable(isoDateSchema),
  latestStartDate: z.nullable(isoDateSchema),
  maxDeliveries: z.nullable(z.int()).check(z.describe('How many deliveries a subscription of this product has; null = until cancelled')),
  discounts: z.array(discountRule).check(z.describe('Discounts by delivery number')),
  unavailableStartDates: z
    .array(isoDateSchema)
    .check(z.describe('Days in the window the shop does not deliver on (GET /admin/settings/delivery); a start picked there moves to the nearest allowed day')),
});

const productParams = z.strictObject({ productId: idSchema });
const productNotFound = notFound('The product');

export const productsApi = operationsOf({
  putProduct: defineOperation({
    route: fn.putProduct,
    summary: 'Create or replace a product and its subscription settings',
    rules: ['S13', 'S14'],
    params: productParams,
    body: productBody,
    response: { status: 200, schema: productView },
    errors: [notFound('The shop'), { status: 409, code: 'PRODUCT_CHANGED', when: 'Another save of this product landed meanwhile: read it and save again' }],
  }),
  listProducts: defineOperation({
    route: fn.listProducts,
    summary: "The shop's products, by product id",
    rules: ['S13'],
    query: pageQuery,
    response: { status: 200, schema: pageOf(productView) },
    errors: [],
  }),
  getProduct: defineOperation({
    route: fn.getProduct,
    summary: 'One product',
    rules: ['S13', 'S14'],
    params: productParams,
    response: { status: 200, schema: productView },
    errors: [productNotFound],
  }),
  getPurchaseOptions: defineOperation({
    route: fn.getPurchaseOptions,
    summary: "What a product page offers: one-time, and subscription with its cycles and start-date window when the shop's service is active",
    rules: ['S13', 'S14', 'S15'],
    params: z.strictObject({ shopId: idSchema, productId: idSchema }),
    response: { status: 200, schema: purchaseOptions },
    errors: [productNotFound],
  }),
});

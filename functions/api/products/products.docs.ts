/** The catalogue (S13, S14): documentation side (functions/api/operation-docs.ts). */
import * as z from '../../core/validation.ts';
import { notFound, shopNotFound, type AreaDocs } from '../operation-docs.ts';
import { isoDateSchema } from '../common.schema.ts';
import { cycleSchema } from '../cycle.schema.ts';
import { pageOf, priceChangeView, timestampSchema } from '../common.view.ts';
import { discountRule, priceIncreasePolicySchema, productFields } from './product.schema.ts';

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

const productNotFound = notFound('The product');

export const productsDocs = {
  putProduct: {
    summary: 'Create or replace a product and its subscription settings',
    rules: ['S13', 'S14'],
    response: productView,
    errors: [shopNotFound, { status: 409, code: 'PRODUCT_CHANGED', when: 'Another save of this product landed meanwhile: read it and save again' }],
  },
  listProducts: {
    summary: "The shop's products, by product id",
    rules: ['S13'],
    response: pageOf(productView),
    errors: [],
  },
  getProduct: {
    summary: 'One product',
    rules: ['S13', 'S14'],
    response: productView,
    errors: [productNotFound],
  },
  getPurchaseOptions: {
    summary: "What a product page offers: one-time, and subscription with its cycles and start-date window when the shop's service is active",
    rules: ['S13', 'S14', 'S15'],
    response: purchaseOptions,
    errors: [productNotFound],
  },
} satisfies AreaDocs;

import * as z from '../core/validation.ts';
import * as fn from '../../system/functions.ts';
import { CYCLE_STATUSES } from '../domain/cycle.ts';
import { ITEM_STATUSES, PAYMENT_METHODS, SUBSCRIPTION_STATUSES } from '../domain/subscription.ts';
import { cardExpirySchema, cycleSchema, idSchema, isoDateSchema, opaqueText, pageOf, pageQuery, priceChangeView, timestampSchema, yearMonthSchema } from './common.schema.ts';
import { defineOperation, notFound, operationsOf } from './operation.ts';

export const subscriptionView = z.object({
  id: z.string(),
  shopId: z.string(),
  status: z.enum(SUBSCRIPTION_STATUSES),
  customerId: z.string(),
  items: z.array(z.object({ productId: z.string(), quantity: z.int(), status: z.enum(ITEM_STATUSES) })),
  cycle: cycleSchema,
  startDate: isoDateSchema,
  paymentMethod: z.enum(PAYMENT_METHODS),
  nextDeliveryDate: z.nullable(isoDateSchema).check(z.describe('Null until checkout, and after a cancellation')),
  nextNoticeDate: z.nullable(isoDateSchema).check(z.describe('Two days before the next delivery (S17)')),
  nextChargeDate: z.nullable(isoDateSchema).check(z.describe('One day before the next delivery (S17)')),
  card: z
    .optional(z.object({ issuer: z.string(), last4: z.nullable(z.string()), expiry: z.optional(cardExpirySchema) }))
    .check(z.describe('The masked card paying for it; never the card number or billing key')),
  cancelReason: z.optional(z.string()),
  chargedDeliveries: z.optional(z.int()).check(z.describe('Issue 14: deliveries charged so far (absent: none); the next notice locks delivery number chargedDeliveries + 1')),
  completedAt: z.optional(timestampSchema).check(z.describe('Issue 14: COMPLETED — every line had its last delivery (maxDeliveries) charged')),
  contact: z.optional(z.object({ email: z.string(), phone: z.string() })),
  shippingAddress: z.optional(z.object({ recipient: z.string(), phone: z.string(), postalCode: z.string(), address1: z.string(), address2: z.optional(z.string()) })),
  pause: z
    .optional(
      z.object({
        since: timestampSchema,
        until: z.optional(isoDateSchema),
        cycles: z.optional(z.int()),
        resumesOn: z.optional(isoDateSchema).check(z.describe('The delivery it resumes with by itself; absent: paused until the buyer resumes')),
      }),
    )
    .check(z.describe('Issue 13: while PAUSED')),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});

/** Issue 13: who changed what and when (the last 50 changes, oldest first). */
export const historyEntryView = z.object({
  at: timestampSchema,
  by: z.object({ role: z.enum(['customer', 'admin', 'system']), id: z.string() }),
  action: z.enum(['skip', 'pause', 'resume', 'change', 'card', 'cancel']),
  details: z.record(z.string(), z.unknown()),
});

export const cycleView = z.object({
  deliveryDate: isoDateSchema,
  noticeDate: isoDateSchema,
  chargeDate: isoDateSchema,
  status: z.enum(CYCLE_STATUSES),
  amount: z.int().check(z.describe('Integer KRW, as announced in the payment notice (S18)')),
  items: z.array(
    z.object({
      productId: z.string(),
      quantity: z.int(),
      unitPrice: z.int(),
      listPrice: z.optional(z.int()).check(z.describe('Issue 14: the list price before the delivery-number discount (shown when there is one)')),
      discount: z.optional(z.int()).check(z.describe('Issue 14: won off one unit for this delivery number')),
    }),
  ),
  deliveryNumber: z.optional(z.int()).check(z.describe('Issue 14: which delivery of the subscription this is (fixed by the notice)')),
});

/** Issue 14: the price increases a subscriber may still answer, and every answer given (who and when). */
export const priceChangesView = z.object({
  pending: z.array(priceChangeView).check(z.describe('Increases waiting for an answer (until their increaseFrom)')),
  answers: z.array(z.object({ changeId: z.string(), accept: z.boolean(), at: timestampSchema, by: z.string().check(z.describe('The buyer who answered')) })),
});

export const subscriptionDetail = z.extend(subscriptionView, {
  cycles: z.array(cycleView).check(z.describe('Oldest first')),
  history: z.array(historyEntryView).check(z.describe('Issue 13: every change (skip, pause, resume, change, card, cancel): who, when, what; the last 50, oldest first')),
  priceChanges: z.optional(priceChangesView).check(z.describe('Issue 14: the 30-day consent to a price increase')),
});

export const listShopSubscriptionsQuery = z
  .extend(pageQuery, {
    status: z.optional(z.enum(SUBSCRIPTION_STATUSES)),
    customerId: z.optional(opaqueText(128)),
    productId: z.optional(idSchema),
    nextDeliveryFrom: z.optional(isoDateSchema).check(z.describe('Inclusive')),
    nextDeliveryTo: z.optional(isoDateSchema).check(z.describe('Inclusive')),
    cycleStatus: z
      .optional(z.enum(['REVIEW']))
      .check(z.describe('Only subscriptions with a cycle in REVIEW (a charge whose outcome an operator must decide), oldest delivery first')),
    email: z
      .optional(z.email().check(z.maxLength(254)))
      .check(z.describe("Issue 13: the buyer's contact email, exact match (case-insensitive); through an index, never a scan")),
    phone: z
      .optional(z.string().check(z.maxLength(20), z.regex(/^\+?[\d\s-]{9,19}$/, 'A phone number: digits, spaces and dashes, e.g. 010-1234-5678.')))
      .check(z.describe("Issue 13: the buyer's contact phone, exact match on its digits (010-1234-5678, 01012345678 and +82 10 1234 5678 are one number)")),
    cardExpiringBy: z
      .optional(yearMonthSchema)
      .check(z.describe('Issue 14: only ACTIVE subscriptions whose card expires in or before this month (YYYY-MM), soonest expiry first; cards whose PG reports no expiry never match')),
  })
  .check(
    z.refine((query) => query.nextDeliveryFrom === undefined || query.nextDeliveryTo === undefined || query.nextDeliveryFrom <= query.nextDeliveryTo, {
      path: ['nextDeliveryTo'],
      message: 'nextDeliveryTo is before nextDeliveryFrom.',
    }),
  );

export const resolveCycleBody = z.strictObject({
  outcome: z.enum(['charged', 'not-charged']),
  pgReference: z
    .optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)))
    .check(z.describe("The PG's payment reference the operator found (e.g. its transaction id), kept on the order")),
});

/** The items a cancel ends: some of them, or (absent, or all of them) the whole subscription (S18, S19). */
export const cancelSubscriptionBody = z.strictObject({ productIds: z.optional(z.array(idSchema).check(z.minLength(1), z.maxLength(20))) });

export const subscriptionsApi = operationsOf({
  resolveCycle: defineOperation({
    route: fn.resolveCycle,
    summary:
      'Close a cycle left in REVIEW (its charge outcome was unknown and the PG could not look it up): charged finishes it as CHARGED (order, charged event), ' +
      'not-charged as FAILED (buyer and operator told); either way the subscription moves on to its next delivery. Exactly once: the same outcome again answers the same.',
    rules: ['S17'],
    params: z.strictObject({ subscriptionId: idSchema, deliveryDate: isoDateSchema }),
    body: resolveCycleBody,
    response: { status: 200, schema: subscriptionDetail },
    errors: [notFound('The subscription or its cycle'), { status: 409, code: 'CYCLE_NOT_IN_REVIEW', when: 'the cycle is not in REVIEW (or was resolved with the other outcome)' }],
  }),
  listShopSubscriptions: defineOperation({
    route: fn.listShopSubscriptions,
    summary:
      "The shop's subscriptions, filtered by status, customer, the buyer's email or phone (exact), product (subscriptions containing it) and inclusive next-delivery range. " +
      'Newest first; when the next-delivery range is the only filter, by next delivery date, earliest first; with cardExpiringBy (and no customerId), by card expiry, soonest first. ' +
      'A page may hold fewer than `limit` items while `nextCursor` is not null (a request reads a bounded number of index entries); follow the cursor until it is null. ' +
      'A cursor only continues the query that produced it.',
    rules: ['S20'],
    query: listShopSubscriptionsQuery,
    response: { status: 200, schema: pageOf(subscriptionView) },
    errors: [],
  }),
  getShopSubscription: defineOperation({
    route: fn.getShopSubscription,
    summary: 'One subscription of the shop with its cycles, oldest first',
    rules: ['S20'],
    params: z.strictObject({ subscriptionId: idSchema }),
    response: { status: 200, schema: subscriptionDetail },
    errors: [notFound('The subscription')],
  }),
});

/**
 * The subscription as the buyer's and the shop's routes answer it (documentation side: imported only by the
 * `*.docs.ts` files, openapi.ts and tests; use cases build the values, functions/domain/subscription.ts).
 */
import * as z from '../../core/validation.ts';
import { CYCLE_STATUSES } from '../../domain/cycle.ts';
import { ITEM_STATUSES, PAYMENT_METHODS, SUBSCRIPTION_STATUSES } from '../../domain/subscription.ts';
import { isoDateSchema } from '../common.schema.ts';
import { cycleSchema } from '../cycle.schema.ts';
import { cardExpirySchema, priceChangeView, timestampSchema } from '../common.view.ts';

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

/**
 * Every event a shop can receive (issue 13), as the OpenAPI document's `webhooks` section states it: a
 * delivery's body is `{type, timestamp, data}` (the Standard Webhooks payload shape) and its `webhook-id`
 * header is the event's id — stable, so a consumer drops a repeat. The runs publish the cycle events
 * (subscription.cycle.charged keeps the order id as its id); the HTTP use cases publish the others
 * (functions/use-cases/subscription-events.ts). Documentation side, like the `*.docs.ts` of the operations: only
 * openapi.ts and the tests import it.
 */
import * as z from '../core/validation.ts';
import type { EventType } from '../../system/events.ts';
import { isoDateSchema } from './common.schema.ts';
import { cycleSchema } from './cycle.schema.ts';
import { timestampSchema } from './common.view.ts';

const subscriptionRef = {
  subscriptionId: z.string(),
  customerId: z.string(),
};
const lineItem = z.object({ productId: z.string(), quantity: z.int() });
const pricedLine = z.extend(lineItem, { unitPrice: z.int().check(z.describe('KRW')) });
const cycleRef = { ...subscriptionRef, deliveryDate: isoDateSchema };

/** The `data` of each event type. Open objects: a field may be added, never removed or renamed. */
export const EVENT_DATA: Record<EventType, z.ZodMiniObject> = {
  'subscription.created': z.object({ ...subscriptionRef, status: z.literal('PENDING_PAYMENT'), cycle: cycleSchema, startDate: isoDateSchema, paymentMethod: z.enum(['card', 'kakaopay']), items: z.array(lineItem), createdAt: timestampSchema }).check(z.describe('A buyer signed up (S15); the card is not registered yet. id: `{subscriptionId}.created`')),
  'subscription.activated': z.object({ ...subscriptionRef, cycle: cycleSchema, paymentMethod: z.enum(['card', 'kakaopay']), nextDeliveryDate: isoDateSchema, items: z.array(lineItem), activatedAt: timestampSchema }).check(z.describe('Checkout registered the card and the subscription is ACTIVE (S10, S16). id: `{subscriptionId}.activated`')),
  'subscription.cycle.noticed': z.object({ ...cycleRef, chargeDate: isoDateSchema, amount: z.int(), items: z.array(pricedLine) }).check(z.describe('The payment notice went out; the amount is locked (S17). id: `{subscriptionId}.{deliveryDate}.noticed`')),
  'subscription.cycle.charged': z.object({ ...cycleRef, orderId: z.string(), amount: z.int(), items: z.array(pricedLine), paymentKey: z.string(), approvedAt: timestampSchema, chargedAt: timestampSchema }).check(z.describe('The announced amount was charged; ship the order (S17). id: the order id')),
  'subscription.cycle.failed': z
    .object({
      ...cycleRef,
      amount: z.int(),
      reason: z.string().check(z.describe('Why, in Korean, as the buyer was told')),
      code: z.string().check(z.describe("The PG's decline code, or ours (NO_BILLING_KEY, NOT_CHARGED_AFTER_REVIEW, …)")),
      attempts: z.int(),
      failedAt: timestampSchema,
    })
    .check(z.describe('The charge failed for good (after its retries); nothing to ship. The merchant may retry it (POST /admin/subscriptions/{id}/cycles/{deliveryDate}/retry). id: `{subscriptionId}.{deliveryDate}.failed`')),
  'subscription.cycle.skipped': z
    .object({ ...cycleRef, reason: z.string().check(z.describe('NOTHING_WANTED (every announced item cancelled, S19) or NOTHING_TO_CHARGE (no product left to sell)')) })
    .check(z.describe('The delivery is not charged nor shipped (skipped, S19). id: `{subscriptionId}.{deliveryDate}.skipped`')),
  'subscription.paused': z.object({ ...subscriptionRef, until: z.optional(isoDateSchema), cycles: z.optional(z.int()), resumesOn: z.optional(isoDateSchema.check(z.describe('The delivery it resumes with by itself (absent: until the buyer resumes)'))), by: z.enum(['buyer', 'merchant']), pausedAt: timestampSchema }).check(z.describe('No notice, no charge while paused. id: `{subscriptionId}.paused.{pausedAt}`')),
  'subscription.resumed': z.object({ ...subscriptionRef, nextDeliveryDate: isoDateSchema, by: z.enum(['buyer', 'merchant']), resumedAt: timestampSchema }).check(z.describe('Deliveries resume (by the buyer, or by itself when a pause with until/cycles runs out). id: `{subscriptionId}.resumed.{resumedAt}`')),
  'subscription.changed': z.object({ ...subscriptionRef, changes: z.record(z.string(), z.unknown()), effectiveFrom: z.optional(isoDateSchema), by: z.enum(['buyer', 'merchant']), changedAt: timestampSchema }).check(z.describe('Cycle, items, address, date, card or a skipped delivery changed (S18: after the notice, from the next cycle; effectiveFrom is the first delivery it applies to). id: `{subscriptionId}.changed.{changedAt}`')),
  'subscription.cancelled': z.object({ ...subscriptionRef, reason: z.enum(['buyer', 'merchant', 'service-stop', 'price-increase-refused']), cancelledAt: timestampSchema }).check(z.describe('The whole subscription is cancelled (S19, S22; price-increase-refused: the buyer did not accept a price increase and the product ends the subscription, issue 14). id: `{subscriptionId}.cancelled`')),
  'subscription.completed': z.object({ ...subscriptionRef, deliveries: z.int().check(z.describe('Deliveries charged in all')), lastDeliveryDate: isoDateSchema, completedAt: timestampSchema }).check(z.describe('Issue 14: the last delivery (maxDeliveries) was charged; the subscription ended COMPLETED, not cancelled. id: `{subscriptionId}.completed`')),
};

/** A delivery's JSON body. */
export function eventEnvelope(type: EventType) {
  return z.object({
    type: z.literal(type),
    timestamp: z.string().check(z.describe('When the event happened (ISO 8601, UTC); also in the webhook-timestamp header as epoch seconds')),
    shopId: z.string(),
    data: EVENT_DATA[type],
  });
}

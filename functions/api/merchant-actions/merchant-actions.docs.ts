/**
 * The merchant's actions on a buyer's subscription (issue 13): cancel or change on the buyer's behalf, retry a FAILED
 * cycle. Documentation side (functions/api/operation-docs.ts).
 */
import * as z from '../../core/validation.ts';
import { notFound, serviceNotActive, subscriptionNotFound, type AreaDocs } from '../operation-docs.ts';
import { timestampSchema } from '../common.view.ts';
import { changeSubscriptionErrors } from '../storefront/storefront.docs.ts';
import { cycleView, subscriptionDetail } from '../subscriptions/subscription.views.ts';

/** A cycle after a retry: the contract's cycle with its attempts and, when declined, the reason. */
const retriedCycleView = z.extend(cycleView, {
  attempts: z.optional(z.int()),
  lastFailure: z.optional(z.object({ code: z.string(), message: z.string().check(z.describe('Why, in Korean (what the buyer is told)')), at: timestampSchema })),
  chargeProgress: z.optional(z.enum(['CHARGING', 'RETRY_SCHEDULED', 'MANUAL_REVIEW'])),
  chargedAt: z.optional(timestampSchema),
});

export const merchantActionsDocs = {
  cancelShopSubscription: {
    summary:
      "The shop cancels some items, or the whole subscription, on the buyer's behalf: the buyer's own rules and codes (before the payment notice at once; after it a partial cancel applies from the next cycle, S18, and cancelling every announced item means that cycle is not charged, S19). " +
      'The buyer is mailed what the shop cancelled; the subscription.cancelled event says reason `merchant`. A repeat answers the same and mails nothing more.',
    rules: ['S18', 'S19'],
    response: subscriptionDetail,
    errors: [subscriptionNotFound, { status: 409, code: 'CONCURRENT_UPDATE', when: 'the subscription kept changing while being cancelled; retry' }, { status: 422, code: 'PRODUCT_NOT_IN_SUBSCRIPTION', when: 'a product id is not part of this subscription' }],
  },
  changeShopSubscription: {
    summary:
      "The shop changes the cycle, the items, the shipping address or the next delivery date on the buyer's behalf: the buyer's own change (PATCH /subscriptions/{id}) with its rules and codes — " +
      'after the payment notice the announced cycle keeps its items and amount and the change applies from the next delivery (S18). The history records the admin; the buyer is mailed each change, before → after, once.',
    rules: ['S13', 'S14', 'S15', 'S18', 'S19'],
    response: subscriptionDetail,
    errors: changeSubscriptionErrors,
  },
  retryCycle: {
    summary:
      "Charge a FAILED cycle once more with the announced amount (S18) and the charge run's own rules. Every check below is made before anything is written; then the retry is handed to the charge worker, which charges it within moments " +
      '(attempt n+1 under its own order id, exactly once even when retried twice at once: one claim, one capture) — the PG is never called inside this request. ' +
      'The answer is 202 with outcome PENDING and the cycle as it is (FAILED). The result shows on the cycle and in the orders (CHARGED; or FAILED again with the reason in lastFailure) and in the subscription.cycle.charged / subscription.cycle.failed webhook events; ' +
      'an answer the PG did not give leaves the cycle CHARGING, and the next charge run looks the order id up (never a second blind charge).',
    rules: ['S17', 'S18'],
    response: z.object({ outcome: z.literal('PENDING'), cycle: retriedCycleView }),
    errors: [
      notFound('The subscription or its cycle'),
      { status: 409, code: 'CYCLE_NOT_FAILED', when: 'the cycle is not FAILED (charged, noticed, skipped, cancelled, in review)' },
      { status: 409, code: 'CHARGE_IN_PROGRESS', when: 'the cycle is being charged right now (an earlier retry the charge worker took, or the charge run)' },
      { status: 409, code: 'NOTHING_TO_CHARGE', when: 'the buyer cancelled every item the delivery announced (S19)' },
      serviceNotActive,
      { status: 409, code: 'PAYMENT_METHOD_NOT_AVAILABLE', when: "the shop no longer takes the subscription's payment method" },
      { status: 409, code: 'NO_BILLING_KEY', when: "the buyer has no registered payment method with the shop's PG" },
    ],
  },
} satisfies AreaDocs;

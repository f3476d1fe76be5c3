/** The buyer's routes: documentation side (functions/api/operation-docs.ts), with the views only they answer. */
import * as z from '../../core/validation.ts';
import { concurrentUpdate, notFound, serviceNotActive, subscriptionNotActive, subscriptionNotFound, type AreaDocs, type ErrorSpec } from '../operation-docs.ts';
import { cardExpirySchema, pageOf } from '../common.view.ts';
import { priceChangesView, subscriptionDetail, subscriptionView } from '../subscriptions/subscription.views.ts';

export const registrationView = z.looseObject({ gateway: z.string() }).check(z.describe("What the PG's card-registration window needs; its fields depend on the gateway"));

export const maskedCardView = z.object({
  method: z.enum(['card', 'kakaopay']),
  issuer: z.string(),
  last4: z.nullable(z.string()),
  cardType: z.enum(['credit', 'check', 'gift', 'unknown']),
  expiry: z.optional(cardExpirySchema),
  registeredAt: z.string(),
});

const notActiveErrors = [
  subscriptionNotActive,
  { status: 409, code: 'SUBSCRIPTION_PAUSED', when: 'the subscription is paused; resume it first' },
  concurrentUpdate,
] as const;

/** What a change of a subscription can answer: the buyer's PATCH and the shop's on the buyer's behalf. */
export const changeSubscriptionErrors: readonly ErrorSpec[] = [
  subscriptionNotFound,
  ...notActiveErrors,
  { status: 409, code: 'DELIVERY_ALREADY_NOTICED', when: 'nextDeliveryDate, but the next delivery is announced already (S18)' },
  { status: 409, code: 'DELIVERY_DATE_TAKEN', when: 'a delivery on that date exists already (e.g. one that was skipped)' },
  { status: 422, code: 'PRODUCT_NOT_SUBSCRIBABLE', when: 'a product is unknown, not enabled for subscription, or a 1+N event product (S13, S14)' },
  { status: 422, code: 'CYCLE_NOT_OFFERED', when: 'a product does not offer the cycle' },
  { status: 422, code: 'NO_ITEMS_LEFT', when: 'no item would be left' },
  { status: 422, code: 'DELIVERY_DATE_OUT_OF_RANGE', when: "nextDeliveryDate is outside the shop's window (S15)" },
  { status: 422, code: 'NOT_A_DELIVERY_DAY', when: "the shop does not deliver on nextDeliveryDate (its delivery calendar)" },
];

export const storefrontDocs = {
  signUp: {
    summary: 'Apply for a subscription; it waits in PENDING_PAYMENT for the card registration, and expires unpaid after 24 hours',
    rules: ['S9', 'S13', 'S14', 'S15'],
    response: z.object({ subscription: subscriptionView, registration: registrationView }),
    errors: [
      serviceNotActive,
      { status: 409, code: 'TOO_MANY_PENDING_SIGNUPS', when: 'the buyer already has 10 signups waiting for payment (each expires after 24 hours)' },
      { status: 422, code: 'PRODUCT_NOT_SUBSCRIBABLE', when: 'a product is unknown, not enabled for subscription, or a 1+N event product (S13, S14)' },
      { status: 422, code: 'CYCLE_NOT_OFFERED', when: 'a product does not offer the chosen cycle' },
      { status: 422, code: 'START_DATE_OUT_OF_RANGE', when: "the start date is outside the shop's window (S15)" },
      { status: 422, code: 'PAYMENT_METHOD_NOT_AVAILABLE', when: 'the shop does not take this payment method (S9)' },
    ],
  },
  checkOut: {
    summary: "Exchange the registration window's authKey for a billing key (or reuse the registered card) and activate the subscription",
    rules: ['S10', 'S15', 'S16'],
    response: subscriptionView,
    errors: [
      subscriptionNotFound,
      serviceNotActive,
      { status: 409, code: 'SUBSCRIPTION_NOT_PENDING', when: 'the subscription was cancelled, or its signup expired unpaid' },
      { status: 409, code: 'CHECKOUT_IN_PROGRESS', when: 'another checkout of this subscription is running; retry shortly' },
      { status: 422, code: 'FOREIGN_CARD_NOT_ALLOWED', when: 'the card was issued abroad (S16)' },
      { status: 422, code: 'CARD_REGISTRATION_FAILED', when: 'the PG refused the registration' },
      { status: 422, code: 'NO_REGISTERED_CARD', when: 'useRegisteredCard, but the buyer has no registered card (or KakaoPay) for this payment method' },
    ],
  },
  listMySubscriptions: {
    summary: "The buyer's own subscriptions in this shop, newest first",
    response: pageOf(subscriptionView),
    errors: [],
  },
  getMySubscription: {
    summary: "One of the buyer's subscriptions with its cycles, oldest first",
    response: subscriptionDetail,
    errors: [subscriptionNotFound],
  },
  cancelSubscription: {
    summary:
      'Cancel some items or all. Before the payment notice it takes effect at once; after it, a partial cancel applies from the next cycle and the announced amount is still charged (S18), while cancelling every announced item means that cycle is not charged (S19)',
    rules: ['S18', 'S19'],
    response: subscriptionDetail,
    errors: [
      subscriptionNotFound,
      { status: 422, code: 'PRODUCT_NOT_IN_SUBSCRIPTION', when: 'a product id is not part of this subscription' },
      { status: 409, code: 'SUBSCRIPTION_COMPLETED', when: 'the subscription is COMPLETED (every delivery it was for was charged, issue 14): nothing is left to cancel' },
    ],
  },
  answerPriceChange: {
    summary:
      "The buyer accepts or refuses the pending price increases of their subscription (issue 14: the 30-day consent); the answer may be changed until the increase's increaseFrom",
    response: priceChangesView,
    errors: [subscriptionNotFound, { status: 409, code: 'NO_PENDING_PRICE_CHANGE', when: 'no price increase of this subscription waits for an answer' }],
  },
  getMyCard: {
    summary: "The buyer's registered card, masked (one card per buyer, S10); ?method=kakaopay for the KakaoPay registration",
    rules: ['S10'],
    response: maskedCardView,
    errors: [notFound('A registered card')],
  },
  skipDelivery: {
    summary:
      'Skip the next delivery (issue 13). Before its payment notice nothing is announced or charged; after it, the same rule as cancelling every announced item (S19): not charged. ' +
      'The subscription moves on to the following delivery; skip again for the one after. The same skip again answers the same.',
    rules: ['S17', 'S19'],
    response: subscriptionDetail,
    errors: [
      subscriptionNotFound,
      ...notActiveErrors,
      { status: 409, code: 'DELIVERY_ALREADY_CHARGED', when: 'the payment of that delivery has begun (or ended); it stands' },
      { status: 422, code: 'DELIVERY_NOT_UPCOMING', when: "the date is not the subscription's next delivery" },
    ],
  },
  pauseSubscription: {
    summary:
      'Pause (issue 13): PAUSED subscriptions get no notice and no charge, and leave the active count (S6). An announced next delivery is skipped (S19); a charge already begun stands. ' +
      'With cycles: n the next n deliveries are paused; with until, deliveries resume with the first on or after it — the daily maintenance run resumes it by itself; with neither, until resumed.',
    rules: ['S6', 'S17', 'S19'],
    response: subscriptionDetail,
    errors: [
      subscriptionNotFound,
      subscriptionNotActive,
      { status: 409, code: 'SUBSCRIPTION_ALREADY_PAUSED', when: 'the subscription is paused already' },
      concurrentUpdate,
      { status: 422, code: 'PAUSE_UNTIL_OUT_OF_RANGE', when: 'until is not after the next delivery, or more than a year ahead' },
    ],
  },
  resumeSubscription: {
    summary:
      "Resume a paused subscription (issue 13): the next delivery is the first on the subscription's anchor (its start date's rhythm) at least the shop's minimum window away, so its notice is never in the past; moved by the shop's delivery calendar.",
    rules: ['S15', 'S17'],
    response: subscriptionDetail,
    errors: [
      subscriptionNotFound,
      serviceNotActive,
      { status: 409, code: 'SUBSCRIPTION_NOT_PAUSED', when: 'the subscription is not paused' },
      concurrentUpdate,
    ],
  },
  changeSubscription: {
    summary:
      'Change the cycle, the items, the shipping address or the next delivery date (issue 13), under the signup rules. After the payment notice the announced cycle keeps its locked items and amount ' +
      '(S18) and the change applies from the next cycle; replacing every announced item is S19 (that cycle is not charged). The address applies to every delivery not charged yet.',
    rules: ['S13', 'S14', 'S15', 'S18', 'S19'],
    response: subscriptionDetail,
    errors: changeSubscriptionErrors,
  },
  startCardChange: {
    summary:
      "Start replacing the subscription's card (issue 13): answers the PG's registration window as signup does; POST /subscriptions/{id}/checkout with its authKey then replaces the buyer's card on every subscription (S10) and deletes the old billing key at the PG.",
    rules: ['S10', 'S16'],
    response: z.object({ registration: registrationView }),
    errors: [
      subscriptionNotFound,
      serviceNotActive,
      { status: 409, code: 'SUBSCRIPTION_NOT_ACTIVE', when: 'the subscription is neither active nor paused' },
      concurrentUpdate,
      { status: 422, code: 'PAYMENT_METHOD_NOT_AVAILABLE', when: "the shop no longer takes the subscription's payment method" },
      { status: 422, code: 'CARD_REGISTRATION_FAILED', when: 'the PG would not open a registration window' },
    ],
  },
} satisfies AreaDocs;

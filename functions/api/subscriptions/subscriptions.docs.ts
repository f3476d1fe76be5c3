/** The shop's view of its subscriptions: documentation side (functions/api/operation-docs.ts). */
import { notFound, subscriptionNotFound, type AreaDocs } from '../operation-docs.ts';
import { pageOf } from '../common.view.ts';
import { subscriptionDetail, subscriptionView } from './subscription.views.ts';

export const subscriptionsDocs = {
  resolveCycle: {
    summary:
      'Close a cycle left in REVIEW (its charge outcome was unknown and the PG could not look it up): charged finishes it as CHARGED (order, charged event), ' +
      'not-charged as FAILED (buyer and operator told); either way the subscription moves on to its next delivery. Exactly once: the same outcome again answers the same.',
    rules: ['S17'],
    response: subscriptionDetail,
    errors: [notFound('The subscription or its cycle'), { status: 409, code: 'CYCLE_NOT_IN_REVIEW', when: 'the cycle is not in REVIEW (or was resolved with the other outcome)' }],
  },
  listShopSubscriptions: {
    summary:
      "The shop's subscriptions, filtered by status, customer, the buyer's email or phone (exact), product (subscriptions containing it) and inclusive next-delivery range. " +
      'Newest first; when the next-delivery range is the only filter, by next delivery date, earliest first; with cardExpiringBy (and no customerId), by card expiry, soonest first. ' +
      'A page may hold fewer than `limit` items while `nextCursor` is not null (a request reads a bounded number of index entries); follow the cursor until it is null. ' +
      'A cursor only continues the query that produced it.',
    rules: ['S20'],
    response: pageOf(subscriptionView),
    errors: [],
  },
  getShopSubscription: {
    summary: 'One subscription of the shop with its cycles, oldest first',
    rules: ['S20'],
    response: subscriptionDetail,
    errors: [subscriptionNotFound],
  },
} satisfies AreaDocs;

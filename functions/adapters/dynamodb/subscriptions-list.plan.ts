/**
 * The list-query planner of a shop's subscriptions (S20): which index partition
 * a filter reads, with which key condition, and what is left to a
 * FilterExpression (or, on line items, to the same rule in memory). The
 * repository (subscriptions.repo.ts) runs the plan and pages through it.
 */
import { createHash } from 'node:crypto';
import type { QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { normaliseEmail, normalisePhone, type SubscriptionFilter } from '../../domain/subscription.ts';
import { cardExpirySortKeyUpper, nextDeliverySortKeyBounds, sortKeyPrefixes, subscriptionPartitions, type IndexPartition } from './keys.ts';

/** The cursor names the filters it was made for, so it cannot continue a different query on the same partition. */
export const QUERY_ATTRIBUTE = '#q';

export interface ListPlan {
  readonly partition: IndexPartition;
  /** A condition on the index's sort key (`#sk`), beyond the partition. */
  readonly sortKeyCondition?: { readonly expression: string; readonly values: Record<string, string> };
  readonly newestFirst: boolean;
  /** The by-product index holds line items: they are resolved to subscriptions, and filtered in memory. */
  readonly lineItems: boolean;
  /** The filters the key condition does not decide. */
  readonly rest: SubscriptionFilter;
}

/**
 * Picks the index for a filter, most selective first: customer (gsi2), card
 * expiring by a month (gsi4's sparse card-expiry partition, soonest expiry
 * first), product (gsi4), status (gsi3), next-delivery range only (gsi5,
 * earliest first), none (gsi1). The others are newest first.
 */
export function planList(shopId: string, filter: SubscriptionFilter): ListPlan {
  const { status, customerId, productId, nextDeliveryFrom, nextDeliveryTo, cardExpiringBy, email, phone } = filter;
  const newestFirst = true;
  const lineItems = false;
  if (filter.cycleStatus === 'REVIEW') {
    // The sparse review list holds cycle items: resolved to their subscriptions like line items, oldest delivery first.
    return { partition: subscriptionPartitions.inReview(shopId), newestFirst: false, lineItems: true, rest: { status, customerId, productId, nextDeliveryFrom, nextDeliveryTo, cardExpiringBy, email, phone } };
  }
  // Issue 13: an exact email or phone reads its contact pointers (gsi4), resolved to subscriptions like line items.
  if (email !== undefined && customerId === undefined) {
    return { partition: subscriptionPartitions.byContact(shopId, 'EMAIL', normaliseEmail(email)), newestFirst, lineItems: true, rest: { status, productId, nextDeliveryFrom, nextDeliveryTo, cardExpiringBy, phone } };
  }
  if (phone !== undefined && customerId === undefined) {
    return { partition: subscriptionPartitions.byContact(shopId, 'PHONE', normalisePhone(phone)), newestFirst, lineItems: true, rest: { status, productId, nextDeliveryFrom, nextDeliveryTo, cardExpiringBy } };
  }
  if (customerId !== undefined) {
    const sortKeyCondition = { expression: 'begins_with(#sk, :prefix)', values: { ':prefix': sortKeyPrefixes.customerSubscriptions } };
    const partition = subscriptionPartitions.byCustomer(shopId, customerId);
    return { partition, sortKeyCondition, newestFirst, lineItems, rest: { status, productId, nextDeliveryFrom, nextDeliveryTo, cardExpiringBy, email, phone } };
  }
  if (cardExpiringBy !== undefined) {
    // Sparse: only ACTIVE subscriptions with a known expiry are in it, so the key condition alone is the filter.
    const sortKeyCondition = { expression: '#sk <= :upper', values: { ':upper': cardExpirySortKeyUpper(cardExpiringBy) } };
    return { partition: subscriptionPartitions.byCardExpiry(shopId), sortKeyCondition, newestFirst: false, lineItems, rest: { status, productId, nextDeliveryFrom, nextDeliveryTo } };
  }
  if (productId !== undefined) {
    return { partition: subscriptionPartitions.byProduct(shopId, productId), newestFirst, lineItems: true, rest: { status, nextDeliveryFrom, nextDeliveryTo } };
  }
  if (status !== undefined) {
    return { partition: subscriptionPartitions.byStatus(shopId, status), newestFirst, lineItems, rest: { nextDeliveryFrom, nextDeliveryTo } };
  }
  if (nextDeliveryFrom !== undefined || nextDeliveryTo !== undefined) {
    const { lower, upper } = nextDeliverySortKeyBounds(nextDeliveryFrom, nextDeliveryTo);
    const sortKeyCondition: ListPlan['sortKeyCondition'] =
      lower !== undefined && upper !== undefined
        ? { expression: '#sk BETWEEN :lower AND :upper', values: { ':lower': lower, ':upper': upper } }
        : lower !== undefined
          ? { expression: '#sk >= :lower', values: { ':lower': lower } }
          : { expression: '#sk <= :upper', values: { ':upper': upper ?? '' } };
    return { partition: subscriptionPartitions.byNextDelivery(shopId), sortKeyCondition, newestFirst: false, lineItems, rest: {} };
  }
  return { partition: subscriptionPartitions.byShop(shopId), newestFirst, lineItems, rest: {} };
}

/**
 * The Query expressions of a plan. What the key condition does not decide
 * becomes a FilterExpression on the subscription item — except on gsi4, whose
 * line items carry no subscription state: there the same rule runs in memory
 * after the BatchGetItem.
 */
export function queryExpressions(shopId: string, plan: ListPlan): Pick<QueryCommandInput, 'KeyConditionExpression' | 'FilterExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'> {
  const names: Record<string, string> = { '#pk': plan.partition.attribute };
  const values: Record<string, unknown> = { ':pk': plan.partition.value };
  let keyCondition = '#pk = :pk';
  if (plan.sortKeyCondition) {
    keyCondition += ` AND ${plan.sortKeyCondition.expression}`;
    names['#sk'] = plan.partition.sortAttribute;
    Object.assign(values, plan.sortKeyCondition.values);
  }
  const filters: string[] = [];
  if (!plan.lineItems) {
    const { status, productId, nextDeliveryFrom, nextDeliveryTo, cardExpiringBy } = plan.rest;
    if (status !== undefined) {
      filters.push('#status = :status');
      names['#status'] = 'status';
      values[':status'] = status;
    }
    if (productId !== undefined) {
      filters.push('contains(productIds, :productId)');
      values[':productId'] = productId;
    }
    // A NULL next delivery date (pending, cancelled) compares as false: outside any range.
    if (nextDeliveryFrom !== undefined) {
      filters.push('nextDeliveryDate >= :from');
      values[':from'] = nextDeliveryFrom;
    }
    if (nextDeliveryTo !== undefined) {
      filters.push('nextDeliveryDate <= :to');
      values[':to'] = nextDeliveryTo;
    }
    if (cardExpiringBy !== undefined) {
      // The card-expiry index entry the item carries (gsi4 on a SUB item) says "ACTIVE, expires in that month".
      filters.push('#cxpk = :cxpk AND #cxsk <= :cxupper');
      names['#cxpk'] = 'gsi4pk';
      names['#cxsk'] = 'gsi4sk';
      values[':cxpk'] = subscriptionPartitions.byCardExpiry(shopId).value;
      values[':cxupper'] = cardExpirySortKeyUpper(cardExpiringBy);
    }
  }
  return {
    KeyConditionExpression: keyCondition,
    ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** Binds a cursor to the whole query: the index partition (shop and leading filter) and the other filters. */
export function queryFingerprint(plan: ListPlan, filter: SubscriptionFilter): string {
  const { status, customerId, productId, nextDeliveryFrom, nextDeliveryTo, cycleStatus, cardExpiringBy, email, phone } = filter;
  const identity = JSON.stringify([plan.partition.index, plan.partition.value, status, customerId, productId, nextDeliveryFrom, nextDeliveryTo, cycleStatus, cardExpiringBy, email, phone]);
  return createHash('sha256').update(identity).digest('base64url').slice(0, 16);
}


/**
 * The subscription's pure rules (S20 and what the later issues build on): which
 * indexes a state puts it in, the filter rule, what the API shows of it, and
 * the list query's validation.
 */
import { describe, expect, it } from 'vitest';
import * as z from '../../functions/core/validation.ts';
import { cycleIndexAttributes } from '../../functions/adapters/dynamodb/cycles.repo.ts';
import { SUBSCRIPTION_INDEX_ATTRIBUTES, subscriptionIndexAttributes } from '../../functions/adapters/dynamodb/subscriptions.repo.ts';
import { docs } from '../../functions/api/docs.ts';
import { operation as listShopSubscriptions } from '../../functions/api/subscriptions/list-shop-subscriptions.operation.ts';
import { subscriptionView } from '../../functions/api/subscriptions/subscription.views.ts';
import type { Cycle } from '../../functions/domain/cycle.ts';
import { matchesFilter, toSubscriptionDetailView, toSubscriptionView, type Subscription } from '../../functions/domain/subscription.ts';
import { aCycle, aSubscription } from '../support/subscription-fixtures.ts';

describe('subscriptionIndexAttributes: one function decides every index a state is in', () => {
  const active = aSubscription({
    id: 's1',
    shopId: 'shop-1',
    customerId: 'c1',
    items: [{ productId: 'p1', quantity: 1, status: 'ACTIVE' }, { productId: 'p2', quantity: 1, status: 'CANCELLED' }],
    card: { issuer: 'Shinhan', last4: '0001', expiry: { year: 2027, month: 3 } },
  });

  it('puts an ACTIVE subscription in every list index — and never in the due index (its planned cycle is there)', () => {
    const { set, remove } = subscriptionIndexAttributes(active);
    expect(set).toMatchObject({
      gsi1pk: 'SHOP#shop-1#SUBS',
      gsi1sk: '2026-11-27T10:00:00+09:00#s1',
      gsi2pk: 'SHOP#shop-1#CUST#c1',
      gsi2sk: 'SUB#2026-11-27T10:00:00+09:00#s1',
      gsi3pk: 'SHOP#shop-1#STATUS#ACTIVE',
      // Issue 14: the sparse card-expiry partition, soonest expiry first.
      gsi4pk: 'SHOP#shop-1#CARDEXPIRY',
      gsi4sk: '2027-03#s1',
      gsi5pk: 'SHOP#shop-1#NEXTDELIVERY',
      gsi5sk: '2026-12-01#s1',
      productIds: ['p1', 'p2'],
    });
    // An entry an earlier version wrote on the subscription goes with the next update.
    expect(remove).toEqual(['duepk', 'duesk']);
  });

  it('keeps a pending subscription out of the next-delivery and due indexes', () => {
    const { set, remove } = subscriptionIndexAttributes({ ...active, status: 'PENDING_PAYMENT', nextDeliveryDate: null, nextNoticeDate: null, nextChargeDate: null });
    expect(set.gsi3pk).toBe('SHOP#shop-1#STATUS#PENDING_PAYMENT');
    expect(remove.sort()).toEqual(['duepk', 'duesk', 'gsi4pk', 'gsi4sk', 'gsi5pk', 'gsi5sk']);
  });

  it('keeps a card without a known expiry (a PG that reports none) out of the card-expiry partition', () => {
    const { remove } = subscriptionIndexAttributes({ ...active, card: { issuer: 'Shinhan', last4: '0001' } });
    // (The old due entry on the subscription goes too: the due index lives on the cycle, issue 12.)
    expect(remove.sort()).toEqual(['duepk', 'duesk', 'gsi4pk', 'gsi4sk']);
  });

  it('takes a cancelled subscription out of the due index even if it still shows a date, so it is never noticed again', () => {
    const { set, remove } = subscriptionIndexAttributes({ ...active, status: 'CANCELLED' });
    expect(set.gsi5sk).toBe('2026-12-01#s1');
    // A cancelled subscription's card will never be charged: it leaves the card-expiry partition too.
    expect(remove.sort()).toEqual(['duepk', 'duesk', 'gsi4pk', 'gsi4sk']);
  });

  it('lists every attribute it may set or must drop, so an update can remove what a new state does not carry', () => {
    const { set, remove } = subscriptionIndexAttributes(active);
    expect([...Object.keys(set), ...remove].sort()).toEqual([...SUBSCRIPTION_INDEX_ATTRIBUTES].sort());
  });

  it('puts a planned or noticing cycle in the due NOTICE index, a noticed or charging one in the due CHARGE index, a charged one in the orders', () => {
    const at = (status: Cycle['status'], extra: Partial<Cycle> = {}) => cycleIndexAttributes(aCycle({ subscriptionId: 's1', deliveryDate: '2026-12-10', status, ...extra }));
    expect(at('SCHEDULED')).toEqual({ duepk: expect.stringMatching(/^DUE#NOTICE#\d+$/), duesk: '2026-12-08#shop-a#s1' });
    expect(at('NOTICING')).toEqual({ duepk: expect.stringMatching(/^DUE#NOTICE#\d+$/), duesk: '2026-12-08#shop-a#s1' });
    expect(at('NOTICED')).toEqual({ duepk: expect.stringMatching(/^DUE#CHARGE#\d+$/), duesk: '2026-12-09#shop-a#s1' });
    expect(at('NOTICED', { nextAttemptAt: '2026-12-10T17:00:00+09:00' })).toEqual({ duepk: expect.stringMatching(/^DUE#CHARGE#\d+$/), duesk: '2026-12-10#shop-a#s1' });
    expect(at('CHARGED', { orderId: 'o-1', chargedAt: '2026-12-09T10:00:01+09:00', paymentKey: 'p', approvedAt: 'a' })).toEqual({ gsi1pk: 'SHOP#shop-a#ORDERS', gsi1sk: '2026-12-09T10:00:01+09:00#o-1' });
    // A cycle in REVIEW is in its shop's review list only (gsi4, sparse).
    expect(at('REVIEW')).toEqual({ gsi4pk: 'SHOP#shop-a#REVIEW', gsi4sk: '2026-12-10#s1' });
    for (const status of ['SKIPPED', 'FAILED', 'CANCELLED'] as const) expect(at(status)).toEqual({});
  });
});

describe('matchesFilter', () => {
  const s = aSubscription({ id: 's1', items: [{ productId: 'p1', quantity: 1, status: 'ACTIVE' }, { productId: 'p2', quantity: 1, status: 'CANCELLED' }] });

  it('matches a product the subscription contains, whatever that item’s status', () => {
    expect(matchesFilter(s, { productId: 'p2' })).toBe(true);
    expect(matchesFilter(s, { productId: 'p3' })).toBe(false);
  });

  it('treats next-delivery bounds as inclusive, and a subscription without a next delivery as outside any range', () => {
    expect(matchesFilter(s, { nextDeliveryFrom: '2026-12-01', nextDeliveryTo: '2026-12-01' })).toBe(true);
    expect(matchesFilter(s, { nextDeliveryFrom: '2026-12-02' })).toBe(false);
    expect(matchesFilter(s, { nextDeliveryTo: '2026-11-30' })).toBe(false);
    expect(matchesFilter({ ...s, nextDeliveryDate: null }, { nextDeliveryTo: '2099-01-01' })).toBe(false);
  });

  it('requires every given filter', () => {
    expect(matchesFilter(s, { status: 'ACTIVE', customerId: 'cust-1', productId: 'p1' })).toBe(true);
    expect(matchesFilter(s, { status: 'ACTIVE', customerId: 'cust-2', productId: 'p1' })).toBe(false);
  });
});

describe('the views', () => {
  it('show the contract fields only: what is added to the entity later stays inside until someone decides otherwise', () => {
    const stored = { ...aSubscription({ id: 's1' }), billingKey: 'bk_secret', customerKey: 'ck_internal' } as unknown as Subscription;
    const view = toSubscriptionView(stored);
    expect(view).not.toHaveProperty('billingKey');
    expect(view).not.toHaveProperty('customerKey');
    expect(z.strictObject(subscriptionView.shape).parse(view)).toEqual(view);
  });

  it('leave out card and cancel reason when there are none, and show cycles in the contract shape', () => {
    const { card: _card, ...pending } = aSubscription({ id: 's1', status: 'PENDING_PAYMENT', nextDeliveryDate: null, nextNoticeDate: null, nextChargeDate: null });
    const detail = toSubscriptionDetailView({ ...pending, cycles: [aCycle({ subscriptionId: 's1', deliveryDate: '2026-12-01' })] });
    expect(detail).not.toHaveProperty('card');
    expect(detail).not.toHaveProperty('cancelReason');
    expect(detail.cycles[0]).not.toHaveProperty('subscriptionId');
    expect(docs.getShopSubscription.response.parse(detail)).toEqual(detail);
  });
});

describe('GET /admin/subscriptions query', () => {
  const query = listShopSubscriptions.query!;
  const paths = (input: Record<string, string>) => {
    const result = query.safeParse(input);
    return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
  };

  it('defaults the limit to 20 and accepts every filter at once', () => {
    expect(query.parse({})).toEqual({ limit: 20 });
    expect(
      query.parse({ status: 'ACTIVE', customerId: 'c1', productId: 'p1', nextDeliveryFrom: '2026-12-01', nextDeliveryTo: '2026-12-01', limit: '100', cursor: 'abc' }),
    ).toMatchObject({ limit: 100, nextDeliveryFrom: '2026-12-01' });
  });

  it('refuses a bad status, date, limit, an unknown parameter and a reversed range, field by field', () => {
    expect(paths({ status: 'SLEEPING' })).toEqual(['status']);
    expect(paths({ nextDeliveryFrom: '2026-02-30' })).toEqual(['nextDeliveryFrom']);
    expect(paths({ nextDeliveryTo: '20261201' })).toEqual(['nextDeliveryTo']);
    expect(paths({ limit: '0' })).toEqual(['limit']);
    expect(paths({ limit: '101' })).toEqual(['limit']);
    expect(paths({ productId: 'bad#id' })).toEqual(['productId']);
    expect(paths({ sort: 'asc' })).toEqual(['']);
    expect(paths({ nextDeliveryFrom: '2026-12-02', nextDeliveryTo: '2026-12-01' })).toEqual(['nextDeliveryTo']);
  });

  it('says in its summary how the list is ordered', () => {
    expect(docs.listShopSubscriptions.summary).toMatch(/Newest first/);
    expect(docs.listShopSubscriptions.summary).toMatch(/next-delivery range is the only filter, by next delivery date, earliest first/);
  });
});

describe('the card-expiry filter (issue 14)', () => {
  const expiring = aSubscription({ id: 's-exp', card: { issuer: 'Sandbox Card', last4: '0004', expiry: { year: 2027, month: 1 } } });

  it.each([
    ['2027-01', expiring, true],
    ['2027-02', expiring, true],
    ['2026-12', expiring, false],
    ['2027-01', { ...expiring, status: 'CANCELLED' as const }, false],
    ['2099-12', { ...expiring, card: { issuer: 'Toss', last4: '1234' } }, false],
  ])('cardExpiringBy=%s', (month, subscription, matches) => {
    expect(matchesFilter(subscription, { cardExpiringBy: month })).toBe(matches);
  });

  it('shows the expiry month on the subscription view, and takes only YYYY-MM in the list query', () => {
    expect(toSubscriptionView(expiring).card).toEqual({ issuer: 'Sandbox Card', last4: '0004', expiry: { year: 2027, month: 1 } });
    expect(subscriptionView.parse(toSubscriptionView(expiring)).card?.expiry).toEqual({ year: 2027, month: 1 });
    expect(listShopSubscriptions.query!.safeParse({ cardExpiringBy: '2027-01' }).success).toBe(true);
    for (const bad of ['2027-1', '2027-13', '2027-01-31', '27-01']) expect(listShopSubscriptions.query!.safeParse({ cardExpiringBy: bad }).success).toBe(false);
  });
});

/**
 * Subscriptions for tests (S20): one builder with sensible defaults, and a
 * deterministic catalogue over two shops with several customers, products,
 * statuses, next-delivery dates and a few identical creation times (ties are
 * ordered by id), plus the orders the list must produce.
 */
import { addDays } from '../../functions/core/dates.ts';
import type { Cycle } from '../../functions/domain/cycle.ts';
import { matchesFilter, type Subscription, type SubscriptionFilter } from '../../functions/domain/subscription.ts';

export function aSubscription(overrides: Partial<Subscription> & { id: string }): Subscription {
  return {
    shopId: 'shop-a',
    customerId: 'cust-1',
    status: 'ACTIVE',
    items: [{ productId: 'coffee', quantity: 1, status: 'ACTIVE' }],
    cycle: '2w',
    startDate: '2026-12-01',
    paymentMethod: 'card',
    nextDeliveryDate: '2026-12-01',
    nextNoticeDate: '2026-11-29',
    nextChargeDate: '2026-11-30',
    card: { issuer: 'Shinhan', last4: '0001' },
    createdAt: '2026-11-27T10:00:00+09:00',
    updatedAt: '2026-11-27T10:00:00+09:00',
    ...overrides,
  };
}

export function aCycle(overrides: Partial<Cycle> & { subscriptionId: string; deliveryDate: string }): Cycle {
  return {
    shopId: 'shop-a',
    customerId: 'cust-1',
    noticeDate: addDays(overrides.deliveryDate, -2),
    chargeDate: addDays(overrides.deliveryDate, -1),
    status: 'CHARGED',
    amount: 12_000,
    items: [{ productId: 'coffee', quantity: 1, unitPrice: 12_000 }],
    ...overrides,
  };
}

export const PRODUCTS = ['coffee', 'tea', 'milk', 'bread'] as const;
export const CUSTOMERS = ['cust-0', 'cust-1', 'cust-2', 'cust-3', 'cust-4'] as const;

/** 60 subscriptions: 45 in shop-a, 15 in shop-b. */
export function catalogue(count = 60): Subscription[] {
  return Array.from({ length: count }, (_, i) => {
    const id = `sub-${String(i).padStart(3, '0')}`;
    const kind = i % 7;
    const status = kind <= 1 ? 'PENDING_PAYMENT' : kind === 2 ? 'CANCELLED' : 'ACTIVE';
    const next = status === 'ACTIVE' ? addDays('2026-12-01', (i * 5) % 40) : null;
    const first = PRODUCTS[i % 4]!;
    const second = PRODUCTS[(i + 1) % 4]!;
    // Every third has two products; every sixth has cancelled its second one (S18): it still "contains" it.
    const items: Subscription['items'] =
      i % 3 === 0
        ? [
            { productId: first, quantity: 1 + (i % 2), status: 'ACTIVE' },
            { productId: second, quantity: 1, status: i % 6 === 0 ? 'CANCELLED' : 'ACTIVE' },
          ]
        : [{ productId: first, quantity: 2, status: 'ACTIVE' }];
    // Three quarters of a minute apart: some share a creation second, ordered by id.
    const minute = Math.floor(i * 0.75);
    const createdAt = `2026-11-01T10:${String(minute).padStart(2, '0')}:00+09:00`;
    const subscription = aSubscription({
      id,
      shopId: i % 4 === 3 ? 'shop-b' : 'shop-a',
      customerId: CUSTOMERS[i % 5]!,
      status,
      items,
      cycle: i % 2 === 0 ? '2w' : '1m',
      startDate: addDays('2026-11-20', i % 10),
      paymentMethod: i % 5 === 4 ? 'kakaopay' : 'card',
      nextDeliveryDate: next,
      nextNoticeDate: next === null ? null : addDays(next, -2),
      nextChargeDate: next === null ? null : addDays(next, -1),
      ...(status === 'CANCELLED' ? { cancelReason: 'Buyer cancelled' } : {}),
      createdAt,
      updatedAt: createdAt,
    });
    // No card until checkout.
    return status === 'PENDING_PAYMENT' ? omitCard(subscription) : subscription;
  });
}

function omitCard(subscription: Subscription): Subscription {
  const { card: _card, ...rest } = subscription;
  return rest;
}

/** What a list must return for a shop and filter, in the order it must return it. */
export function expectedList(all: readonly Subscription[], shopId: string, filter: SubscriptionFilter): string[] {
  const matching = all.filter((s) => s.shopId === shopId && matchesFilter(s, filter));
  const rangeOnly =
    (filter.nextDeliveryFrom !== undefined || filter.nextDeliveryTo !== undefined) &&
    filter.status === undefined &&
    filter.customerId === undefined &&
    filter.productId === undefined;
  const order = rangeOnly
    ? (s: Subscription) => `${s.nextDeliveryDate}#${s.id}`
    : (s: Subscription) => `${s.createdAt}#${s.id}`;
  const sorted = [...matching].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  return (rangeOnly ? sorted : sorted.reverse()).map((s) => s.id);
}

/** Filters alone and combined, including ones that drop most of what the index holds. */
export const FILTERS: ReadonlyArray<SubscriptionFilter> = [
  {},
  { status: 'ACTIVE' },
  { status: 'PENDING_PAYMENT' },
  { status: 'CANCELLED' },
  { customerId: 'cust-2' },
  { productId: 'tea' },
  { productId: 'bread' },
  { nextDeliveryFrom: '2026-12-05', nextDeliveryTo: '2026-12-20' },
  { nextDeliveryFrom: '2026-12-30' },
  { nextDeliveryTo: '2026-12-03' },
  { nextDeliveryFrom: '2026-12-11', nextDeliveryTo: '2026-12-11' },
  { status: 'ACTIVE', productId: 'tea' },
  { status: 'CANCELLED', productId: 'coffee' },
  { customerId: 'cust-1', productId: 'milk' },
  { customerId: 'cust-3', status: 'ACTIVE' },
  { customerId: 'cust-0', status: 'ACTIVE', nextDeliveryFrom: '2026-12-01', nextDeliveryTo: '2026-12-25' },
  { productId: 'coffee', nextDeliveryFrom: '2026-12-10' },
  { status: 'ACTIVE', nextDeliveryTo: '2026-12-15' },
  { status: 'PENDING_PAYMENT', nextDeliveryFrom: '2026-12-01' },
  { customerId: 'cust-4', productId: 'bread', status: 'ACTIVE', nextDeliveryFrom: '2026-12-01', nextDeliveryTo: '2027-01-31' },
  { customerId: 'nobody' },
];

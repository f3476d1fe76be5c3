/**
 * A shop's subscription list (S20) against the embedded DynamoDB engine: each
 * filter alone and combined, the order, and pagination that walks every match
 * exactly once — also when a filter drops most of what an index page holds
 * (DynamoDB's Limit counts entries before filtering) and when a call stops at
 * its read budget.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../functions/adapters/dynamodb/cursor.ts';
import { subscriptionsRepository, type SubscriptionsRepository, type SubscriptionsRepositoryOptions } from '../../functions/adapters/dynamodb/subscriptions.repo.ts';
import { InvalidCursor } from '../../functions/core/errors.ts';
import type { Subscription, SubscriptionFilter } from '../../functions/domain/subscription.ts';
import { startEmbeddedTable, type EmbeddedTable } from '../support/embedded-table.ts';
import { catalogue, expectedList, FILTERS } from '../support/subscription-fixtures.ts';

let table: EmbeddedTable;
let repo: SubscriptionsRepository;
const all: Subscription[] = catalogue();

beforeAll(async () => {
  table = await startEmbeddedTable();
  repo = subscriptionsRepository(table.db, table.tableName);
  for (const subscription of all) await repo.create(subscription);
});
afterAll(() => table?.stop());

/** Follows the cursors to the end; checks every page's size on the way. */
async function walk(shopId: string, filter: SubscriptionFilter, limit: number, repository = repo): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await repository.listByShop(shopId, filter, { limit, cursor });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor ?? undefined;
    pages += 1;
    expect(pages).toBeLessThan(200);
  } while (cursor);
  return { ids, pages };
}

describe('the seed', () => {
  it('spreads over two shops, every status, customer and product, with next deliveries over December', () => {
    expect(all).toHaveLength(60);
    expect(new Set(all.map((s) => s.shopId))).toEqual(new Set(['shop-a', 'shop-b']));
    expect(new Set(all.map((s) => s.status))).toEqual(new Set(['ACTIVE', 'PENDING_PAYMENT', 'CANCELLED']));
    expect(new Set(all.flatMap((s) => s.items.map((i) => i.productId))).size).toBe(4);
    expect(expectedList(all, 'shop-a', {}).length).toBe(45);
  });
});

describe('listByShop (S20)', () => {
  it("lists a shop's subscriptions newest first (ties by id), and none of the other shop's", async () => {
    const page = await repo.listByShop('shop-a', {}, { limit: 100 });
    expect(page.items.map((s) => s.id)).toEqual(expectedList(all, 'shop-a', {}));
    expect(page.items.every((s) => s.shopId === 'shop-a')).toBe(true);
    expect(page.nextCursor).toBeNull();
    expect(page.items.find((s) => s.id === 'sub-000')).toEqual(all[0]);
  });

  it('orders by next delivery date, earliest first, when the range is the only filter', async () => {
    const page = await repo.listByShop('shop-a', { nextDeliveryFrom: '2026-12-01', nextDeliveryTo: '2027-01-31' }, { limit: 100 });
    const dates = page.items.map((s) => s.nextDeliveryDate ?? '');
    expect(dates).toEqual([...dates].sort());
    expect(page.items.length).toBeGreaterThan(10);
  });

  it.each(FILTERS.flatMap((filter) => ['shop-a', 'shop-b'].map((shopId) => ({ shopId, filter }))))(
    '$shopId $filter: exactly the matching subscriptions, in order, in one page',
    async ({ shopId, filter }) => {
      const page = await repo.listByShop(shopId, filter, { limit: 100 });
      expect(page.items.map((s) => s.id)).toEqual(expectedList(all, shopId, filter));
      expect(page.nextCursor).toBeNull();
    },
  );

  it.each(FILTERS.flatMap((filter) => [1, 3, 7].map((limit) => ({ filter, limit }))))('walks $filter with limit $limit: every match exactly once, in order', async ({ filter, limit }) => {
    const expected = expectedList(all, 'shop-a', filter);
    const { ids, pages } = await walk('shop-a', filter, limit);
    expect(ids).toEqual(expected);
    // Pages are full until the last; the cursor says "done" as soon as it knows.
    expect(pages).toBeLessThanOrEqual(Math.ceil(expected.length / limit) + 1);
  });

  it.each(FILTERS)('walks %o with narrow DynamoDB pages and a tiny read budget (short pages still skip nothing)', async (filter) => {
    const options: SubscriptionsRepositoryOptions = { filteredPageSize: 2, maxEntriesPerCall: 3 };
    const narrow = subscriptionsRepository(table.db, table.tableName, options);
    for (const limit of [1, 4]) {
      const { ids } = await walk('shop-a', filter, limit, narrow);
      expect(ids).toEqual(expectedList(all, 'shop-a', filter));
    }
  });

  it('answers an empty page without a cursor when nothing matches', async () => {
    expect(await repo.listByShop('shop-a', { customerId: 'nobody' }, { limit: 20 })).toEqual({ items: [], nextCursor: null });
    expect(await repo.listByShop('no-such-shop', {}, { limit: 20 })).toEqual({ items: [], nextCursor: null });
  });
});

describe('cursors', () => {
  const firstCursor = async (shopId: string, filter: SubscriptionFilter) => {
    const page = await repo.listByShop(shopId, filter, { limit: 2 });
    expect(page.nextCursor).not.toBeNull();
    return page.nextCursor as string;
  };
  const refused = async (shopId: string, filter: SubscriptionFilter, cursor: string) => {
    const error = await repo.listByShop(shopId, filter, { limit: 2, cursor }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidCursor);
    expect((error as InvalidCursor).details).toEqual([{ path: 'query.cursor', message: expect.any(String) }]);
  };

  it("refuses another shop's cursor (400), so a cursor can never reach into another shop", async () => {
    await refused('shop-b', {}, await firstCursor('shop-a', {}));
    await refused('shop-b', { status: 'ACTIVE' }, await firstCursor('shop-a', { status: 'ACTIVE' }));
  });

  it('refuses a cursor from another query of the same shop: another index, another partition, or other filters', async () => {
    await refused('shop-a', { customerId: 'cust-1' }, await firstCursor('shop-a', {}));
    await refused('shop-a', { status: 'CANCELLED' }, await firstCursor('shop-a', { status: 'ACTIVE' }));
    await refused('shop-a', { status: 'ACTIVE', productId: 'tea' }, await firstCursor('shop-a', { status: 'ACTIVE' }));
    await refused('shop-a', { nextDeliveryFrom: '2026-12-20' }, await firstCursor('shop-a', { nextDeliveryFrom: '2026-12-01' }));
  });

  it('refuses garbage and crafted cursors as a client mistake, never a 500', async () => {
    await refused('shop-a', {}, 'not-a-cursor');
    await refused('shop-a', {}, encodeCursor({ gsi1pk: 'SHOP#shop-a#SUBS' }) as string);
    const real = JSON.parse(Buffer.from(await firstCursor('shop-a', {}), 'base64url').toString('utf8')) as Record<string, string>;
    await refused('shop-a', {}, encodeCursor({ ...real, extra: 'x' }) as string);
    // Right shape, but a start key outside the query's range: DynamoDB refuses it, and so do we, as a 400.
    const range = { nextDeliveryFrom: '2026-12-01', nextDeliveryTo: '2026-12-10' };
    const inRange = JSON.parse(Buffer.from(await firstCursor('shop-a', range), 'base64url').toString('utf8')) as Record<string, string>;
    await refused('shop-a', range, encodeCursor({ ...inRange, gsi5sk: '2027-06-01#sub-999' }) as string);
  });
});

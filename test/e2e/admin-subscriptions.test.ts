/**
 * S20 through the real local HTTP server: a merchant lists its buyers'
 * subscriptions (filters, order, pagination, validation) and opens one with
 * its cycles; another shop's data never shows, and only admin tokens get in.
 * Data is seeded through the repository, as the storefront will write it.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { cyclesRepository } from '../../functions/adapters/dynamodb/cycles.repo.ts';
import { subscriptionsRepository } from '../../functions/adapters/dynamodb/subscriptions.repo.ts';
import type * as z from '../../functions/core/validation.ts';
import { docs } from '../../functions/api/docs.ts';
import { subscriptionDetail, subscriptionView } from '../../functions/api/subscriptions/subscription.views.ts';
import type { Subscription, SubscriptionFilter } from '../../functions/domain/subscription.ts';
import { loadEvent } from '../../local/events.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { aCycle, aSubscription, catalogue, expectedList } from '../support/subscription-fixtures.ts';

let t: TestSystem;
let adminA: string;
let adminB: string;
const all: Subscription[] = catalogue();
// Every body is checked against the operation's own response schema (the one /openapi.json publishes).
const listSchema = { parse: (body: unknown) => docs.listShopSubscriptions.response.parse(body) as { items: Array<z.infer<typeof subscriptionView>>; nextCursor: string | null } };
const detailSchema = { parse: (body: unknown) => docs.getShopSubscription.response.parse(body) as z.infer<typeof subscriptionDetail> };

beforeAll(async () => {
  t = await bootLocalSystem();
  const dynamo = new DynamoDBClient({ endpoint: t.system.info.dynamodb, region: 'ap-northeast-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const repo = subscriptionsRepository(createDocumentClient(dynamo), t.system.info.tableName as string);
  const cycles = cyclesRepository(createDocumentClient(dynamo), t.system.info.tableName as string);
  for (const subscription of all) await repo.create(subscription);
  // sub-000 (shop-a) has three deliveries behind it and one announced; stored out of order.
  for (const [deliveryDate, status] of [['2026-12-29', 'NOTICED'], ['2026-12-01', 'CHARGED'], ['2026-12-15', 'SKIPPED'], ['2026-12-08', 'FAILED']] as const) {
    await cycles.create(aCycle({ subscriptionId: 'sub-000', deliveryDate, status }));
  }
  // What events/get-shop-subscription.json asks for.
  await repo.create(aSubscription({ id: 'sub-demo-1', shopId: 'demo-shop' }));
  dynamo.destroy();
  adminA = await t.token('admin', 'shop-a', 'merchant-a');
  adminB = await t.token('admin', 'shop-b', 'merchant-b');
});
afterAll(() => t?.stop());

const qs = (params: Record<string, string | number | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
};

async function walk(token: string, filter: SubscriptionFilter, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 100; pages += 1) {
    const response = await t.call('GET', `/admin/subscriptions${qs({ ...filter, limit, cursor })}`, { token });
    expect(response.status).toBe(200);
    const page = listSchema.parse(response.body);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((s) => s.id));
    if (page.nextCursor === null) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('the cursor never ended');
}

describe('GET /admin/subscriptions (S20)', () => {
  it("lists the admin's own shop's subscriptions, newest first, 20 by default, in the contract shape", async () => {
    const response = await t.call('GET', '/admin/subscriptions', { token: adminA });
    expect(response.status).toBe(200);
    const page = listSchema.parse(response.body);
    expect(page.items.map((s) => s.id)).toEqual(expectedList(all, 'shop-a', {}).slice(0, 20));
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(page.items.every((s) => s.shopId === 'shop-a')).toBe(true);
    // Nothing of the storage shows: no keys, index attributes or filter attributes.
    for (const item of response.body.items) for (const attribute of ['pk', 'sk', 'type', 'gsi1pk', 'duepk', 'productIds']) expect(item).not.toHaveProperty(attribute);
  });

  it('shows a subscription as the contract describes it: items with status, dates, masked card', async () => {
    const response = await t.call('GET', `/admin/subscriptions${qs({ customerId: 'cust-0', limit: 100 })}`, { token: adminA });
    const sub000 = response.body.items.find((s: { id: string }) => s.id === 'sub-000');
    expect(sub000).toEqual({
      id: 'sub-000',
      shopId: 'shop-a',
      status: 'PENDING_PAYMENT',
      customerId: 'cust-0',
      items: [
        { productId: 'coffee', quantity: 1, status: 'ACTIVE' },
        { productId: 'tea', quantity: 1, status: 'CANCELLED' },
      ],
      cycle: '2w',
      startDate: '2026-11-20',
      paymentMethod: 'card',
      nextDeliveryDate: null,
      nextNoticeDate: null,
      nextChargeDate: null,
      createdAt: '2026-11-01T10:00:00+09:00',
      updatedAt: '2026-11-01T10:00:00+09:00',
    });
    const active = response.body.items.find((s: { status: string }) => s.status === 'ACTIVE');
    expect(active.card).toEqual({ issuer: 'Shinhan', last4: '0001' });
  });

  it.each<SubscriptionFilter>([
    { status: 'CANCELLED' },
    { customerId: 'cust-3' },
    { productId: 'tea' },
    { nextDeliveryFrom: '2026-12-05', nextDeliveryTo: '2026-12-20' },
    { status: 'ACTIVE', productId: 'tea', nextDeliveryTo: '2026-12-31' },
    { customerId: 'cust-1', productId: 'milk' },
  ])('filters by %o', async (filter) => {
    const response = await t.call('GET', `/admin/subscriptions${qs({ ...filter, limit: 100 })}`, { token: adminA });
    expect(response.status).toBe(200);
    expect(listSchema.parse(response.body).items.map((s) => s.id)).toEqual(expectedList(all, 'shop-a', filter));
  });

  it('orders by next delivery date, earliest first, when the range is the only filter', async () => {
    const response = await t.call('GET', `/admin/subscriptions${qs({ nextDeliveryFrom: '2026-12-01', limit: 100 })}`, { token: adminB });
    const dates = listSchema.parse(response.body).items.map((s) => s.nextDeliveryDate ?? '');
    expect(dates.length).toBeGreaterThan(3);
    expect(dates).toEqual([...dates].sort());
  });

  it('pages with small limits through every match exactly once, also when the filter drops most of the index', async () => {
    for (const [filter, limit] of [[{}, 7], [{ status: 'ACTIVE', productId: 'tea' }, 2], [{ productId: 'coffee', nextDeliveryFrom: '2026-12-10' }, 1]] as const) {
      expect(await walk(adminA, filter, limit)).toEqual(expectedList(all, 'shop-a', filter));
    }
    expect(await walk(adminB, {}, 4)).toEqual(expectedList(all, 'shop-b', {}));
  });

  it('answers 400 VALIDATION_FAILED for bad filters, one detail per field', async () => {
    const cases: Array<[Record<string, string>, string[]]> = [
      [{ status: 'SLEEPING' }, ['query.status']],
      [{ nextDeliveryFrom: '2026-13-01', nextDeliveryTo: 'tomorrow' }, ['query.nextDeliveryFrom', 'query.nextDeliveryTo']],
      [{ nextDeliveryFrom: '2026-12-20', nextDeliveryTo: '2026-12-10' }, ['query.nextDeliveryTo']],
      [{ limit: '0' }, ['query.limit']],
      [{ limit: '101' }, ['query.limit']],
      [{ productId: 'a#b' }, ['query.productId']],
      [{ sort: 'asc' }, ['query']],
    ];
    for (const [query, paths] of cases) {
      const response = await t.call('GET', `/admin/subscriptions${qs(query)}`, { token: adminA });
      expect(response.status, JSON.stringify(query)).toBe(400);
      expect(response.body.error.code).toBe('VALIDATION_FAILED');
      expect(response.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(paths);
    }
  });

  it("answers 400 for a cursor from another shop or another query, and never shows the other shop's items", async () => {
    const fromB = (await t.call('GET', '/admin/subscriptions?limit=2', { token: adminB })).body.nextCursor as string;
    const foreign = await t.call('GET', `/admin/subscriptions${qs({ cursor: fromB })}`, { token: adminA });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toMatchObject({ code: 'INVALID_CURSOR', details: [{ path: 'query.cursor' }] });

    const fromActive = (await t.call('GET', '/admin/subscriptions?status=ACTIVE&limit=2', { token: adminA })).body.nextCursor as string;
    const otherQuery = await t.call('GET', `/admin/subscriptions${qs({ status: 'ACTIVE', customerId: 'cust-1', cursor: fromActive })}`, { token: adminA });
    expect(otherQuery.status).toBe(400);
    expect((await t.call('GET', '/admin/subscriptions?cursor=garbage', { token: adminA })).status).toBe(400);
  });

  it('answers 401 without a token and 403 to customer and platform tokens', async () => {
    expect((await t.call('GET', '/admin/subscriptions')).status).toBe(401);
    for (const role of ['customer', 'platform'] as const) {
      const response = await t.call('GET', '/admin/subscriptions', { token: await t.token(role, 'shop-a') });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('serves its sample event', async () => {
    const result = (await t.system.invoke('listShopSubscriptions', loadEvent('listShopSubscriptions'))) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    // demo-shop's active subscription, delivered in December (the event's filters).
    expect(listSchema.parse(JSON.parse(result.body)).items.map((s) => s.id)).toEqual(['sub-demo-1']);
  });
});

describe('GET /admin/subscriptions/{subscriptionId} (S20)', () => {
  it('shows the subscription with its cycles, oldest first, in the contract shape', async () => {
    const response = await t.call('GET', '/admin/subscriptions/sub-000', { token: adminA });
    expect(response.status).toBe(200);
    const detail = detailSchema.parse(response.body);
    expect(detail).toMatchObject({ id: 'sub-000', shopId: 'shop-a', customerId: 'cust-0' });
    expect(detail.cycles.map((c) => [c.deliveryDate, c.status])).toEqual([
      ['2026-12-01', 'CHARGED'],
      ['2026-12-08', 'FAILED'],
      ['2026-12-15', 'SKIPPED'],
      ['2026-12-29', 'NOTICED'],
    ]);
    expect(response.body.cycles[0]).toEqual({
      deliveryDate: '2026-12-01',
      noticeDate: '2026-11-29',
      chargeDate: '2026-11-30',
      status: 'CHARGED',
      amount: 12_000,
      items: [{ productId: 'coffee', quantity: 1, unitPrice: 12_000 }],
    });
  });

  it('shows a subscription without cycles with an empty list', async () => {
    const response = await t.call('GET', '/admin/subscriptions/sub-001', { token: adminA });
    expect(response.status).toBe(200);
    expect(detailSchema.parse(response.body).cycles).toEqual([]);
  });

  it("answers 404 NOT_FOUND, the same way, for an unknown id and for another shop's subscription", async () => {
    const unknown = await t.call('GET', '/admin/subscriptions/sub-999', { token: adminA });
    const foreign = await t.call('GET', '/admin/subscriptions/sub-000', { token: adminB }); // sub-000 is shop-a's
    expect(unknown.status).toBe(404);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual(unknown.body);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    expect((await t.call('GET', '/admin/subscriptions/sub-003', { token: adminB })).status).toBe(200); // sub-003 is shop-b's
  });

  it('answers 400 for an id that could not be a key', async () => {
    const response = await t.call('GET', `/admin/subscriptions/${encodeURIComponent('sub#000')}`, { token: adminA });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toEqual(['path.subscriptionId']);
  });

  it('answers 401 without a token and 403 to customer and platform tokens', async () => {
    expect((await t.call('GET', '/admin/subscriptions/sub-000')).status).toBe(401);
    for (const role of ['customer', 'platform'] as const) {
      expect((await t.call('GET', '/admin/subscriptions/sub-000', { token: await t.token(role, 'shop-a') })).status).toBe(403);
    }
  });

  it('serves its sample event', async () => {
    const result = (await t.system.invoke('getShopSubscription', loadEvent('getShopSubscription'))) as { statusCode: number; body: string };
    expect(result.statusCode).toBe(200);
    expect(detailSchema.parse(JSON.parse(result.body)).id).toBe('sub-demo-1');
  });
});

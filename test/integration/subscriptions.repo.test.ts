/**
 * The subscriptions repository against the embedded DynamoDB engine (S20, and
 * the storefront and daily runs that build on it): what `create` writes, that
 * a rerun is harmless, that a crash between its writes is repaired by a rerun,
 * and cycles in their partition.
 */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cyclesRepository, type CyclesRepository } from '../../functions/adapters/dynamodb/cycles.repo.ts';
import { dueWorkRepository } from '../../functions/adapters/dynamodb/due-work.repo.ts';
import { ordersRepository } from '../../functions/adapters/dynamodb/orders.repo.ts';
import { keys } from '../../functions/adapters/dynamodb/keys.ts';
import { subscriptionsRepository, type SubscriptionsRepository } from '../../functions/adapters/dynamodb/subscriptions.repo.ts';
import type { Subscription, SubscriptionFilter } from '../../functions/domain/subscription.ts';
import { startEmbeddedTable, type EmbeddedTable } from '../support/embedded-table.ts';
import { faultyClient, SimulatedCrash } from '../support/faulty-client.ts';
import { aCycle, aSubscription } from '../support/subscription-fixtures.ts';

let table: EmbeddedTable;
let repo: SubscriptionsRepository;
let cycles: CyclesRepository;
beforeAll(async () => {
  table = await startEmbeddedTable();
  repo = subscriptionsRepository(table.db, table.tableName);
  cycles = cyclesRepository(table.db, table.tableName);
});
afterAll(() => table?.stop());

const raw = async (key: { pk: string; sk: string }) => (await table.db.send(new GetCommand({ TableName: table.tableName, Key: key }))).Item;

/** How many items of a partition of an index (or the table) are this subscription's. */
async function countInIndex(index: string | undefined, attribute: string, value: string, subscriptionId: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        ...(index ? { IndexName: index } : {}),
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': attribute },
        ExpressionAttributeValues: { ':pk': value },
        ExclusiveStartKey: startKey,
      }),
    );
    count += (page.Items ?? []).filter((item) => item.pk === `SUB#${subscriptionId}`).length;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/** Every list a merchant could use to find this subscription, by the repository. */
function listsThatShouldFind(subscription: Subscription): SubscriptionFilter[] {
  return [
    {},
    { status: subscription.status },
    { customerId: subscription.customerId },
    ...subscription.items.map((item) => ({ productId: item.productId })),
    ...(subscription.nextDeliveryDate ? [{ nextDeliveryFrom: subscription.nextDeliveryDate, nextDeliveryTo: subscription.nextDeliveryDate }] : []),
  ];
}

async function visibleIn(filter: SubscriptionFilter, shopId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await repo.listByShop(shopId, filter, { limit: 100, cursor });
    ids.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

describe('create (S20: what the merchant will look up)', () => {
  it('stores the subscription with its index attributes and one line item per product, and reads it back as it was', async () => {
    const subscription = aSubscription({
      id: 'repo-1',
      shopId: 'repo-shop',
      items: [
        { productId: 'coffee', quantity: 2, status: 'ACTIVE' },
        { productId: 'tea', quantity: 1, status: 'ACTIVE' },
      ],
    });
    expect(await repo.create(subscription)).toBe(true);
    expect(await repo.get('repo-1')).toEqual(subscription);

    const item = await raw(keys.subscription('repo-1'));
    expect(item).toMatchObject({
      type: 'subscription',
      gsi1pk: 'SHOP#repo-shop#SUBS',
      gsi1sk: '2026-11-27T10:00:00+09:00#repo-1',
      gsi2pk: 'SHOP#repo-shop#CUST#cust-1',
      gsi3pk: 'SHOP#repo-shop#STATUS#ACTIVE',
      gsi5pk: 'SHOP#repo-shop#NEXTDELIVERY',
      gsi5sk: '2026-12-01#repo-1',
      productIds: ['coffee', 'tea'],
    });
    expect(item?.gsi4pk).toBeUndefined();
    // Its next delivery's planned cycle is what the notice run finds, not the subscription.
    expect(item).not.toHaveProperty('duepk');
    for (const productId of ['coffee', 'tea']) {
      expect(await raw(keys.subscriptionItem('repo-1', productId))).toMatchObject({
        type: 'subscriptionItem',
        subscriptionId: 'repo-1',
        gsi4pk: `SHOP#repo-shop#PRODUCT#${productId}`,
        gsi4sk: '2026-11-27T10:00:00+09:00#repo-1',
      });
    }
  });

  it('keeps a pending subscription out of the next-delivery and due indexes (it can never be noticed or charged)', async () => {
    const pending = aSubscription({ id: 'repo-pending', shopId: 'repo-shop', status: 'PENDING_PAYMENT', nextDeliveryDate: null, nextNoticeDate: null, nextChargeDate: null });
    expect(await repo.create(pending)).toBe(true);
    const item = await raw(keys.subscription('repo-pending'));
    expect(item).toMatchObject({ gsi1pk: 'SHOP#repo-shop#SUBS', gsi3pk: 'SHOP#repo-shop#STATUS#PENDING_PAYMENT' });
    expect(item).not.toHaveProperty('gsi5pk');
    expect(item).not.toHaveProperty('duepk');
    expect(await repo.get('repo-pending')).toEqual(pending);
  });

  it('is idempotent: a rerun answers false and changes nothing, even with different content', async () => {
    const first = aSubscription({ id: 'repo-twice', shopId: 'repo-shop' });
    expect(await repo.create(first)).toBe(true);
    expect(await repo.create(first)).toBe(false);
    expect(await repo.create({ ...first, customerId: 'someone-else', items: [{ productId: 'milk', quantity: 9, status: 'ACTIVE' }] })).toBe(false);
    expect(await repo.get('repo-twice')).toEqual(first);
    expect(await raw(keys.subscriptionItem('repo-twice', 'milk'))).toBeDefined(); // a pointer only: its SUB item does not list milk…
    expect(await visibleIn({ productId: 'milk' }, 'repo-shop')).not.toContain('repo-twice'); // …so no list shows it there
    expect(await visibleIn({}, 'repo-shop')).toEqual(expect.arrayContaining(['repo-twice']));
    expect((await visibleIn({}, 'repo-shop')).filter((id) => id === 'repo-twice')).toHaveLength(1);
  });

  it('ignores line items whose subscription item was never written', async () => {
    await table.db.send(
      new PutCommand({
        TableName: table.tableName,
        Item: { ...keys.subscriptionItem('orphan', 'coffee'), subscriptionId: 'orphan', gsi4pk: 'SHOP#repo-shop#PRODUCT#coffee', gsi4sk: '2099-01-01T00:00:00+09:00#orphan' },
      }),
    );
    expect(await visibleIn({ productId: 'coffee' }, 'repo-shop')).not.toContain('orphan');
    expect(await repo.get('orphan')).toBeUndefined();
    expect(await repo.getWithCycles('orphan')).toBeUndefined();
  });
});

describe('create after a crash between its writes (no transactions: a rerun repairs)', () => {
  const writes = 3; // two line items, then the SUB item
  const cases = (['before', 'after'] as const).flatMap((when) => Array.from({ length: writes }, (_, i) => ({ when, failOn: i + 1 })));

  it.each(cases)('crash $when write #$failOn, then a rerun: exactly one subscription, visible in every index', async ({ when, failOn }) => {
    const shopId = `crash-${when}-${failOn}`;
    const subscription = aSubscription({
      id: `crash-${when}-${failOn}`,
      shopId,
      customerId: 'cust-crash',
      items: [
        { productId: 'coffee', quantity: 1, status: 'ACTIVE' },
        { productId: 'tea', quantity: 3, status: 'ACTIVE' },
      ],
      nextDeliveryDate: '2026-12-07',
      nextNoticeDate: '2026-12-05',
      nextChargeDate: '2026-12-06',
    });
    const faulty = faultyClient(table.db, failOn, when);
    await expect(subscriptionsRepository(faulty.db, table.tableName).create(subscription)).rejects.toBeInstanceOf(SimulatedCrash);
    // The line items go out together; the SUB item only once both have landed.
    expect(faulty.commands).toEqual(failOn < writes ? ['PutCommand', 'PutCommand'] : ['PutCommand', 'PutCommand', 'PutCommand']);

    // Before the repair: either fully there (the last write landed) or invisible everywhere.
    const landed = when === 'after' && failOn === writes;
    for (const filter of listsThatShouldFind(subscription)) {
      expect(await visibleIn(filter, shopId)).toEqual(landed ? [subscription.id] : []);
    }

    expect(await repo.create(subscription)).toBe(!landed);

    expect(await repo.get(subscription.id)).toEqual(subscription);
    for (const filter of listsThatShouldFind(subscription)) {
      expect(await visibleIn(filter, shopId), JSON.stringify(filter)).toEqual([subscription.id]);
    }
    // And in the indexes themselves, once each.
    expect(await countInIndex('gsi1', 'gsi1pk', `SHOP#${shopId}#SUBS`, subscription.id)).toBe(1);
    expect(await countInIndex('gsi2', 'gsi2pk', `SHOP#${shopId}#CUST#cust-crash`, subscription.id)).toBe(1);
    expect(await countInIndex('gsi3', 'gsi3pk', `SHOP#${shopId}#STATUS#ACTIVE`, subscription.id)).toBe(1);
    expect(await countInIndex('gsi4', 'gsi4pk', `SHOP#${shopId}#PRODUCT#coffee`, subscription.id)).toBe(1);
    expect(await countInIndex('gsi4', 'gsi4pk', `SHOP#${shopId}#PRODUCT#tea`, subscription.id)).toBe(1);
    expect(await countInIndex('gsi5', 'gsi5pk', `SHOP#${shopId}#NEXTDELIVERY`, subscription.id)).toBe(1);
    expect(await countInIndex(undefined, 'pk', `SUB#${subscription.id}`, subscription.id)).toBe(3);
  });
});

describe('cycles', () => {
  it('are stored once per delivery date and read back oldest first with the subscription, without notifications', async () => {
    const subscription = aSubscription({ id: 'repo-cycles', shopId: 'repo-shop' });
    await repo.create(subscription);
    const dates = ['2026-12-15', '2026-12-01', '2026-12-29'];
    for (const deliveryDate of dates) expect(await cycles.create(aCycle({ subscriptionId: 'repo-cycles', deliveryDate }))).toBe(true);
    // A rerun for the same date finds its cycle there (the key is the idempotency).
    expect(await cycles.create(aCycle({ subscriptionId: 'repo-cycles', deliveryDate: '2026-12-15', amount: 1 }))).toBe(false);
    await table.db.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.notification('repo-cycles', '2026-12-01', 'payment-notice', 'mail'), status: 'SENT' } }));

    const found = await repo.getWithCycles('repo-cycles');
    expect(found).toEqual({ ...subscription, cycles: [...dates].sort().map((deliveryDate) => aCycle({ subscriptionId: 'repo-cycles', deliveryDate })) });
    expect(await repo.getWithCycles('nope')).toBeUndefined();
  });

  it('puts a noticed cycle in the due CHARGE index for its charge date, a charged one in the shop’s orders, and nothing else', async () => {
    await repo.create(aSubscription({ id: 'repo-due', shopId: 'repo-shop' }));
    await cycles.create(aCycle({ subscriptionId: 'repo-due', shopId: 'repo-shop', deliveryDate: '2027-01-10', status: 'NOTICED' }));
    await cycles.create(aCycle({ subscriptionId: 'repo-due', shopId: 'repo-shop', deliveryDate: '2027-01-03', status: 'CHARGED', chargeDate: '2027-01-09', orderId: 'repo-due-20270103-1', chargedAt: '2027-01-02T10:00:01+09:00', paymentKey: 'p', approvedAt: 'a' }));
    const due: string[] = [];
    for await (const entry of dueWorkRepository(table.db, table.tableName).findDue('CHARGE', '2027-01-09')) if (entry.subscriptionId === 'repo-due') due.push(`${entry.subscriptionId} ${entry.deliveryDate} ${entry.date}`);
    expect(due).toEqual(['repo-due 2027-01-10 2027-01-09']);
    expect((await ordersRepository(table.db, table.tableName).listByShop('repo-shop', 10)).map((order) => order.orderId)).toEqual(['repo-due-20270103-1']);
  });

  it('a conditional write lands only on the state it expects; a plan is withdrawn only while it is still a plan', async () => {
    const planned = aCycle({ subscriptionId: 'repo-cas', deliveryDate: '2027-02-01', status: 'SCHEDULED', amount: 0, items: [] });
    expect(await cycles.schedule(planned)).toBe(true);
    expect(await cycles.schedule({ ...planned, noticeDate: '2027-01-01' })).toBe(false);
    expect(await cycles.schedule({ ...planned, noticeDate: '2027-01-01' }, { replaceScheduled: true })).toBe(true);
    expect(await cycles.write({ ...planned, status: 'NOTICED' }, { status: 'NOTICING' })).toBe(false);
    expect(await cycles.write({ ...planned, status: 'NOTICED' }, { status: 'SCHEDULED' })).toBe(true);
    expect(await cycles.withdraw(planned, 'SCHEDULED')).toBe(false);
    expect(await cycles.schedule(planned, { replaceScheduled: true })).toBe(false);
    expect(await cycles.get(planned)).toMatchObject({ status: 'NOTICED' });
  });
});

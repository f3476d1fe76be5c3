/** Repositories against the embedded DynamoDB engine, with the table created from system/table.ts. */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUE_SHARDS } from '../../system/table.ts';
import { dueIndexKeys, keys } from '../../functions/adapters/dynamodb/keys.ts';
import { dueWorkRepository } from '../../functions/adapters/dynamodb/due-work.repo.ts';
import { shopsRepository } from '../../functions/adapters/dynamodb/shops.repo.ts';
import { cyclesRepository } from '../../functions/adapters/dynamodb/cycles.repo.ts';
import { scheduledCycle, type Cycle, type CycleState } from '../../functions/domain/cycle.ts';
import { DEFAULT_DELIVERY_CALENDAR } from '../../functions/domain/delivery-calendar.ts';
import { DEFAULT_START_DATE_WINDOW, NOT_APPLIED, type Shop } from '../../functions/domain/shop.ts';
import { startEmbeddedTable, type EmbeddedTable } from '../support/embedded-table.ts';

let table: EmbeddedTable;
beforeAll(async () => {
  table = await startEmbeddedTable();
});
afterAll(() => table?.stop());

const shop = (shopId: string): Shop => ({
  shopId,
  name: 'Repo Shop',
  operatorEmail: 'ops@repo.example',
  productManagement: 'new',
  createdAt: '2026-11-27T10:00:00+09:00',
  service: NOT_APPLIED,
  startDateWindow: DEFAULT_START_DATE_WINDOW,
  deliveryCalendar: DEFAULT_DELIVERY_CALENDAR,
  activeSubscriptions: 0,
  version: 1,
});

describe('shops repository', () => {
  it('creates a shop once and reads it back without key attributes', async () => {
    const shops = shopsRepository(table.db, table.tableName);
    expect(await shops.create(shop('repo-1'))).toBe(true);
    expect(await shops.create({ ...shop('repo-1'), name: 'Overwritten?' })).toBe(false);
    expect(await shops.get('repo-1')).toEqual(shop('repo-1'));
    expect(await shops.get('missing')).toBeUndefined();
  });

  it('applies an update only at the version it was computed from', async () => {
    const shops = shopsRepository(table.db, table.tableName);
    await shops.create(shop('repo-2'));
    const window = { earliestDaysAhead: 5, latestDaysAhead: 30 };
    expect(await shops.update('repo-2', 1, { startDateWindow: window })).toBe(true);
    // A second writer that read version 1 loses: its change was computed from a stale state.
    expect(await shops.update('repo-2', 1, { startDateWindow: { earliestDaysAhead: 3, latestDaysAhead: 3 } })).toBe(false);
    expect(await shops.get('repo-2')).toMatchObject({ startDateWindow: window, version: 2 });
    expect(await shops.update('missing', 0, { startDateWindow: window })).toBe(false);
  });
});

describe('cycles repository: the write condition is the transition’s expectation', () => {
  let n = 0;
  const stored = async (status: CycleState, attempts: number | undefined): Promise<Cycle> => {
    const base = scheduledCycle({ id: `cond-${(n += 1)}`, shopId: 'shop-c', customerId: 'cust-c' }, '2026-12-10');
    const cycle: Cycle = { ...base, status, ...(attempts === undefined ? {} : { attempts }) };
    await table.db.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.cycle(cycle.subscriptionId, cycle.deliveryDate), type: 'cycle', ...cycle } }));
    return cycle;
  };
  const write = (cycle: Cycle, expect: Parameters<ReturnType<typeof cyclesRepository>['write']>[1]) => cyclesRepository(table.db, table.tableName).write({ ...cycle, status: 'CHARGING' }, expect);

  // Attempt 0 is written as `status AND no counter OR status AND counter = 0` (no parentheses): the status must hold in both.
  it.each([
    [0, 'no counter stored', 'NOTICED', undefined, true],
    [0, 'a counter of 0 stored', 'NOTICED', 0, true],
    [0, 'a counter of 1 stored', 'NOTICED', 1, false],
    [0, 'another status, no counter', 'FAILED', undefined, false],
    [0, 'another status, a counter of 0', 'FAILED', 0, false],
    [2, 'the same counter', 'NOTICED', 2, true],
    [2, 'another counter', 'NOTICED', 3, false],
    [2, 'no counter', 'NOTICED', undefined, false],
    [2, 'another status', 'FAILED', 2, false],
  ] as const)('expecting NOTICED, attempt %i: %s → %s', async (expected, _, status, attempts, written) => {
    expect(await write(await stored(status, attempts), { status: 'NOTICED', attempts: expected })).toBe(written);
  });
});

describe('due-work repository', () => {
  it('finds every item of one kind due up to a day across every shard, paging past the page size, oldest first within a shard', async () => {
    const subscriptions = Array.from({ length: 150 }, (_, i) => `sub-${i}`);
    const due = (kind: 'NOTICE' | 'CHARGE', date: string, id: string, deliveryDate = '2026-12-03') => table.db.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.cycle(id, deliveryDate), ...dueIndexKeys(kind, date, 'shop-1', id) } }));
    for (const id of subscriptions) await due('NOTICE', '2026-12-01', id);
    // Overdue (a missed run) is in; a later day and the other kind stay out.
    await due('NOTICE', '2026-11-20', 'overdue', '2026-11-22');
    await due('NOTICE', '2026-12-02', 'other-day', '2026-12-04');
    await due('CHARGE', '2026-12-01', 'sub-1', '2026-12-02');

    const found: string[] = [];
    for await (const entry of dueWorkRepository(table.db, table.tableName, 3).findDue('NOTICE', '2026-12-01')) found.push(`${entry.subscriptionId}|${entry.deliveryDate}|${entry.date}|${entry.shopId}`);
    expect(found.sort()).toEqual([...subscriptions.map((id) => `${id}|2026-12-03|2026-12-01|shop-1`), 'overdue|2026-11-22|2026-11-20|shop-1'].sort());

    const shardsUsed = new Set(subscriptions.map((id) => dueIndexKeys('NOTICE', '2026-12-01', 'shop-1', id).duepk));
    expect(shardsUsed.size).toBe(DUE_SHARDS);
  });
});

describe('the embedded engine closing while requests are under way', () => {
  it('lets the writes in flight finish and refuses later ones, with no uncaught "Database is closed" (a timed-out test still calling while afterAll stops the system)', async () => {
    const engine = await startEmbeddedTable('closing-table');
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      // Indexed items: dynalite writes each index's entry after the item, the write that used to outlive the close.
      const write = (i: number) =>
        engine.db.send(new PutCommand({ TableName: engine.tableName, Item: { pk: `CLOSE#${i}`, sk: 'ITEM', ...dueIndexKeys('NOTICE', '2026-12-01', 'close-shop', `sub-${i}`), gsi1pk: 'CLOSE', gsi1sk: String(i) } }));
      // Eight callers writing back to back, as a timed-out test's loop goes on, until the engine refuses them.
      let written = 0;
      const caller = async (lane: number) => {
        for (let i = 0; ; i += 1) {
          try {
            await write(lane * 100_000 + i);
            written += 1;
          } catch {
            return;
          }
        }
      };
      const callers = Promise.all(Array.from({ length: 8 }, (_, lane) => caller(lane)));
      while (written < 50) await new Promise((resolve) => setTimeout(resolve, 2));
      await engine.stop();
      await callers;
      expect(await write(-1).then(() => 'written', () => 'refused')).toBe('refused');
      // An uncaught exception of a write cut short surfaces on a later turn of the event loop.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
    }
  });
});

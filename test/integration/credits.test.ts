/**
 * Credits (S12, S24) against the embedded DynamoDB engine: top-ups, the
 * ledger, the block debit path under races and redelivery, and the payment
 * notice's message debit path. Crash injection at every step is in
 * credits-crash.test.ts.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditsRepository, type CreditsRepository } from '../../functions/adapters/dynamodb/credits.repo.ts';
import { keys } from '../../functions/adapters/dynamodb/keys.ts';
import { shopsRepository } from '../../functions/adapters/dynamodb/shops.repo.ts';
import { fixedClock } from '../../functions/core/clock.ts';
import { InvalidCursor } from '../../functions/core/errors.ts';
import { ABANDONED_AFTER_SECONDS, REMEMBER_SETTLED_SECONDS, topUpOperationId, type CreditBlock, type CreditBlockRef, type CreditKind, type Debit } from '../../functions/domain/credits.ts';
import { paySms, reserveMessageBlock, smsOperationId, type SmsDebit } from '../../functions/use-cases/runs/notice-credits.ts';
import { createShop } from '../../functions/use-cases/create-shop.ts';
import { debitOne, openCreditBlock } from '../../functions/use-cases/credit-blocks.ts';
import { topUpCredits } from '../../functions/use-cases/top-up-credits.ts';
import { startEmbeddedTable, type EmbeddedTable } from '../support/embedded-table.ts';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

let table: EmbeddedTable;
let credits: CreditsRepository;
beforeAll(async () => {
  table = await startEmbeddedTable();
  credits = creditsRepository(table.db, table.tableName);
});
afterAll(() => table?.stop());

const T0 = new Date('2026-11-27T08:00:00+09:00');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
let shopCounter = 0;
const newShopId = () => `credit-shop-${(shopCounter += 1)}`;

const topUp = (shopId: string, kind: CreditKind, amount: number, reference = `ref-${amount}-${Math.random().toString(36).slice(2, 8)}`, at = T0) =>
  credits.topUp(shopId, kind, { operationId: topUpOperationId(kind, reference), amount, reference, at });
const notice = (subscriptionId: string, at = T0): Debit => ({ operationId: `payment-notice#${subscriptionId}#2026-11-29#sms`, reason: 'payment-notice', subscriptionId, at });
const balanceItem = async (shopId: string, kind: CreditKind) =>
  (await table.db.send(new GetCommand({ TableName: table.tableName, Key: keys.creditBalance(shopId, kind), ConsistentRead: true }))).Item;
const allLedger = async (shopId: string) => {
  const items = [];
  let cursor: string | undefined;
  do {
    const page = await credits.ledger(shopId, { limit: 100, cursor });
    items.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return items;
};

describe('top-ups (S12, S24)', () => {
  it('creates the balance on the first top-up and adds to it afterwards; the other kind stays 0', async () => {
    const shopId = newShopId();
    expect(await credits.balances(shopId)).toEqual({ sms: 0, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    expect(await topUp(shopId, 'sms', 100)).toBe('applied');
    expect(await topUp(shopId, 'sms', 50)).toBe('applied');
    expect(await credits.balances(shopId)).toEqual({ sms: 150, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
  });

  it('applies a top-up repeated with the same reference once, also when the repeats race', async () => {
    const shopId = newShopId();
    expect(await topUp(shopId, 'bulkMail', 300, 'order-1')).toBe('applied');
    const repeats = await Promise.all(Array.from({ length: 8 }, () => topUp(shopId, 'bulkMail', 300, 'order-1')));
    expect(new Set(repeats)).toEqual(new Set(['already-applied']));
    const racing = await Promise.all(Array.from({ length: 8 }, () => topUp(shopId, 'bulkMail', 20, 'order-2')));
    expect(racing.filter((outcome) => outcome === 'applied').length).toBeGreaterThanOrEqual(1);
    expect((await credits.balances(shopId)).bulkMail).toBe(320);
    expect((await allLedger(shopId)).map((entry) => entry.change).sort()).toEqual([20, 300]);
  });

  it('refuses the same reference with another amount, and changes nothing', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 10, 'order-x');
    expect(await topUp(shopId, 'sms', 11, 'order-x')).toBe('reference-conflict');
    expect((await credits.balances(shopId)).sms).toBe(10);
  });

  it('the use case answers 404 for an unknown shop and writes nothing; a known shop gets both kinds', async () => {
    const shops = shopsRepository(table.db, table.tableName);
    const deps = { shops, credits, clock: fixedClock(T0) };
    await expect(topUpCredits(deps, 'no-such-shop', { sms: 5 })).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(await balanceItem('no-such-shop', 'sms')).toBeUndefined();

    await createShop(deps, { shopId: 'uc-shop', name: 'UC', operatorEmail: 'ops@uc.example', productManagement: 'new' });
    expect(await topUpCredits(deps, 'uc-shop', { sms: 5, bulkMail: 7, reference: 'p-1' })).toEqual({ sms: 5, bulkMail: 7, reserved: { sms: 0, bulkMail: 0 } });
    expect(await topUpCredits(deps, 'uc-shop', { sms: 5, bulkMail: 7, reference: 'p-1' })).toEqual({ sms: 5, bulkMail: 7, reserved: { sms: 0, bulkMail: 0 } });
    await expect(topUpCredits(deps, 'uc-shop', { sms: 6, reference: 'p-1' })).rejects.toMatchObject({ status: 409, code: 'TOP_UP_REFERENCE_REUSED' });
    // Without a reference, each request is a purchase of its own.
    await topUpCredits(deps, 'uc-shop', { sms: 1 });
    expect((await topUpCredits(deps, 'uc-shop', { sms: 1 })).sms).toBe(7);
  });

  it('forgets settled top-ups on the balance item once they are old, so the item stays small', async () => {
    const shopId = newShopId();
    for (let i = 0; i < 5; i += 1) await topUp(shopId, 'sms', 1, `old-${i}`, T0);
    expect(Object.keys((await balanceItem(shopId, 'sms'))?.topUps ?? {})).toHaveLength(5);
    await topUp(shopId, 'sms', 1, 'new', later(REMEMBER_SETTLED_SECONDS + 60));
    expect(Object.keys((await balanceItem(shopId, 'sms'))?.topUps ?? {})).toEqual([topUpOperationId('sms', 'new')]);
    // Forgotten on the balance, still known by its entry: a late repeat is still applied once.
    expect(await topUp(shopId, 'sms', 1, 'old-0', later(REMEMBER_SETTLED_SECONDS + 120))).toBe('already-applied');
    expect((await credits.balances(shopId)).sms).toBe(6);
  });
});

describe('the ledger (S12, S24)', () => {
  it('lists top-ups and debits newest first, page by page, each entry exactly once', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 30, 'first', T0);
    const session = await openCreditBlock({ credits, clock: fixedClock(later(60)) }, { shopId, kind: 'sms', blockId: 'run-2026-11-27#0#0', want: 30 });
    for (let i = 0; i < 25; i += 1) {
      expect(await credits.spend(session.block, notice(`sub-${String(i).padStart(2, '0')}`, later(60 + i)))).toBe('debited');
    }
    await session.release();

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await credits.ledger(shopId, { limit: 7, cursor });
      seen.push(...page.items.map((entry) => entry.at + ' ' + entry.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(seen).toHaveLength(26);
    expect(new Set(seen).size).toBe(26);
    expect([...seen].sort().reverse()).toEqual(seen);

    const entries = await allLedger(shopId);
    expect(entries.at(-1)).toEqual({ id: topUpOperationId('sms', 'first'), kind: 'sms', change: 30, reason: 'top-up', reference: 'first', at: '2026-11-27T08:00:00+09:00' });
    expect(entries[0]).toEqual({ id: 'payment-notice#sub-24#2026-11-29#sms', kind: 'sms', change: -1, reason: 'payment-notice', subscriptionId: 'sub-24', at: '2026-11-27T08:01:24+09:00' });
    expect((await credits.balances(shopId)).sms).toBe(5);
  });

  it("refuses a cursor of another shop's ledger (400), and a cursor that is not one", async () => {
    const [a, b] = [newShopId(), newShopId()];
    for (let i = 0; i < 3; i += 1) await topUp(a, 'sms', 1 + i);
    const page = await credits.ledger(a, { limit: 1 });
    expect(page.nextCursor).not.toBeNull();
    await expect(credits.ledger(b, { limit: 1, cursor: page.nextCursor! })).rejects.toBeInstanceOf(InvalidCursor);
    await expect(credits.ledger(a, { limit: 1, cursor: 'bm90IGEgY3Vyc29y' })).rejects.toBeInstanceOf(InvalidCursor);
    expect((await credits.ledger(a, { limit: 1, cursor: page.nextCursor! })).items).toHaveLength(1);
  });
});

describe('blocks and debits (S12, S24)', () => {
  it('reserves a block, debits each message once, and returns the rest on release', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 100);
    const block = { shopId, kind: 'sms' as const, blockId: 'notice-2026-11-27#s3#b0' };
    expect(await credits.reserveBlock(block, 10, T0)).toMatchObject({ state: 'ACTIVE', granted: 10, spent: 0 });
    expect(await credits.balances(shopId)).toEqual({ sms: 90, bulkMail: 0, reserved: { sms: 10, bulkMail: 0 } });
    // A redelivered batch finds the same block, not a second reservation.
    expect(await credits.reserveBlock(block, 10, T0)).toMatchObject({ state: 'ACTIVE', granted: 10 });
    for (const sub of ['a', 'b', 'c', 'a', 'b']) expect(await credits.spend(block, notice(sub))).toBe('debited');
    expect(await credits.releaseBlock(block, T0)).toMatchObject({ state: 'RELEASED', granted: 10, spent: 3, refunded: 7 });
    expect(await credits.releaseBlock(block, T0)).toMatchObject({ state: 'RELEASED', refunded: 7 });
    expect(await credits.balances(shopId)).toEqual({ sms: 97, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    expect(await credits.spend(block, notice('d'))).toBe('insufficient');
    expect(await allLedger(shopId)).toHaveLength(4);
  });

  it('grants what is left when less than wanted, and nothing (EMPTY) when nothing is', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'bulkMail', 3);
    const first = { shopId, kind: 'bulkMail' as const, blockId: 'stop-job-1#0' };
    expect(await credits.reserveBlock(first, 5, T0)).toMatchObject({ state: 'ACTIVE', granted: 3 });
    const reasons = ['a', 'b', 'c', 'd'].map((id) => ({ operationId: `auto-cancel#${id}`, reason: 'auto-cancel' as const, subscriptionId: id, jobId: 'stop-job-1', at: T0 }));
    const outcomes = [];
    for (const debit of reasons) outcomes.push(await credits.spend(first, debit));
    expect(outcomes).toEqual(['debited', 'debited', 'debited', 'insufficient']);
    const second = { shopId, kind: 'bulkMail' as const, blockId: 'stop-job-1#1' };
    expect(await credits.reserveBlock(second, 5, T0)).toMatchObject({ state: 'EMPTY', granted: 0 });
    expect(await credits.spend(second, reasons[3]!)).toBe('insufficient');
    await credits.releaseBlock(first, T0);
    await credits.releaseBlock(second, T0);
    expect((await credits.balances(shopId)).bulkMail).toBe(0);
    // The refused message left no trace in the ledger, and can be debited later from a new block.
    expect((await allLedger(shopId)).filter((entry) => entry.change < 0)).toHaveLength(3);
    await topUp(shopId, 'bulkMail', 1);
    const third = { shopId, kind: 'bulkMail' as const, blockId: 'stop-job-1#retry' };
    await credits.reserveBlock(third, 1, T0);
    expect(await credits.spend(third, reasons[3]!)).toBe('debited');
  });

  it('50 concurrent workers racing for the last 10 credits debit exactly 10 messages; the balance is never negative', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 10);
    let racing = true;
    const samples: number[] = [];
    const sampler = (async () => {
      while (racing) {
        samples.push(Number((await balanceItem(shopId, 'sms'))?.balance));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const workers = Array.from({ length: 50 }, async (_, w) => {
      const block = { shopId, kind: 'sms' as const, blockId: `race#${w}` };
      await credits.reserveBlock(block, 2, T0);
      const outcomes = [];
      for (let m = 0; m < 2; m += 1) outcomes.push(await credits.spend(block, notice(`w${w}-m${m}`)));
      await credits.releaseBlock(block, T0);
      return outcomes;
    });
    const outcomes = (await Promise.all(workers)).flat();
    racing = false;
    await sampler;

    expect(outcomes.filter((outcome) => outcome === 'debited')).toHaveLength(10);
    expect(samples.length).toBeGreaterThan(0);
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(await credits.balances(shopId)).toEqual({ sms: 0, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    expect((await allLedger(shopId)).filter((entry) => entry.change === -1)).toHaveLength(10);
  });

  it('a redelivered message is debited once: through a second block after the first consumed it, and when both attempts race', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 20);
    const b1 = { shopId, kind: 'sms' as const, blockId: 'batch-7#attempt-1' };
    const b2 = { shopId, kind: 'sms' as const, blockId: 'batch-7#attempt-2' };
    await credits.reserveBlock(b1, 5, T0);
    await credits.reserveBlock(b2, 5, T0);
    expect(await credits.spend(b1, notice('x'))).toBe('debited');
    expect(await credits.spend(b2, notice('x'))).toBe('debited');

    const both = await Promise.all(['y', 'z'].flatMap((sub) => [credits.spend(b1, notice(sub)), credits.spend(b2, notice(sub))]));
    expect(both).toEqual(['debited', 'debited', 'debited', 'debited']);

    const r1 = await credits.releaseBlock(b1, T0);
    const r2 = await credits.releaseBlock(b2, T0);
    expect((r1?.spent ?? 0) + (r2?.spent ?? 0)).toBe(3);
    expect((await credits.balances(shopId)).sms).toBe(17);
    expect((await allLedger(shopId)).filter((entry) => entry.change === -1).map((entry) => entry.subscriptionId).sort()).toEqual(['x', 'y', 'z']);
  });

  it('a message bound to a closed block of an earlier attempt moves to the new block and is debited once', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 10);
    const b1 = { shopId, kind: 'sms' as const, blockId: 'batch-8#1' };
    const b2 = { shopId, kind: 'sms' as const, blockId: 'batch-8#2' };
    await credits.reserveBlock(b1, 1, T0);
    expect(await credits.spend(b1, notice('p'))).toBe('debited');
    // b1 is full: a second message's claim on it is withdrawn ('insufficient'), and it is debited from b2.
    expect(await credits.spend(b1, notice('q'))).toBe('insufficient');
    await credits.releaseBlock(b1, T0);
    await credits.reserveBlock(b2, 3, T0);
    expect(await credits.spend(b2, notice('q'))).toBe('debited');
    expect(await credits.spend(b2, notice('p'))).toBe('debited');
    expect(await credits.releaseBlock(b2, T0)).toMatchObject({ spent: 1, refunded: 2 });
    expect((await credits.balances(shopId)).sms).toBe(8);
  });

  it('refuses to debit from a block that was never reserved, leaving nothing behind', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 5);
    const ghost = { shopId, kind: 'sms' as const, blockId: 'never-reserved' };
    expect(await credits.spend(ghost, notice('g'))).toBe('insufficient');
    expect(await credits.entry(shopId, notice('g').operationId)).toBeUndefined();
    expect((await credits.balances(shopId)).sms).toBe(5);
  });

  it('releases abandoned blocks (their worker died); a settled grant leaves the balance item in the write that settles it', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 10);
    const dead = { shopId, kind: 'sms' as const, blockId: 'dead-worker' };
    await credits.reserveBlock(dead, 4, T0);
    await credits.spend(dead, notice('d1'));
    expect(Object.keys((await balanceItem(shopId, 'sms'))?.blocks ?? {})).toEqual(['dead-worker']);
    expect(await credits.releaseAbandonedBlocks(shopId, 'sms', later(60))).toEqual([]);
    expect(await credits.releaseAbandonedBlocks(shopId, 'sms', later(ABANDONED_AFTER_SECONDS + 60))).toEqual(['dead-worker']);
    expect(await credits.balances(shopId)).toEqual({ sms: 9, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    expect((await balanceItem(shopId, 'sms'))?.blocks).toEqual({});
  });

  it('the balance item does not grow with the blocks a run settles: 60 blocks reserved and released leave it as it was', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 1000);
    const before = JSON.stringify({ ...(await balanceItem(shopId, 'sms')), balance: 0 }).length;
    for (let n = 0; n < 60; n += 1) {
      const block = { shopId, kind: 'sms' as const, blockId: `notice:2026-11-27:m-${n}:0` };
      const reserved = await credits.reserveBlock(block, 10, T0);
      await credits.consume(block, [notice(`s${n}`).operationId], reserved);
      await credits.releaseBlock(block, T0, 'ACTIVE');
    }
    expect(await credits.balances(shopId)).toEqual({ sms: 940, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    const item = await balanceItem(shopId, 'sms');
    expect(item?.blocks).toEqual({});
    // Only the listing for the sweep was added (duepk, duesk).
    expect(JSON.stringify({ ...item, balance: 0, duepk: undefined, duesk: undefined }).length).toBe(before);
  });

  it('a new block with credits enough costs two writes and no read; its release two writes', async () => {
    const { ref } = await shopBlock(10);
    const sent: string[] = [];
    const counting = { send: (command: { constructor: { name: string } }) => (sent.push(command.constructor.name), table.db.send(command as never)) } as unknown as DynamoDBDocumentClient;
    const repository = creditsRepository(counting, table.tableName);
    expect(await repository.reserveBlock(ref, 4, T0)).toMatchObject({ state: 'ACTIVE', granted: 4 });
    expect(sent).toEqual(['UpdateCommand', 'PutCommand']);
    sent.length = 0;
    expect(await repository.releaseBlock(ref, T0, 'ACTIVE')).toMatchObject({ state: 'RELEASED', refunded: 4 });
    expect(sent).toEqual(['UpdateCommand', 'UpdateCommand']);
    expect(await credits.balances(ref.shopId)).toEqual({ sms: 10, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
  });

  it('an attempt that takes credits for a block another attempt already closed EMPTY gives them back (S12)', async () => {
    const { shopId, block, stalled, attemptA } = await attemptHeldAtTake(5, 'batch-late');
    // Meanwhile another block takes everything, attempt B of the same block finds nothing and closes it EMPTY, and the shop tops up.
    await credits.reserveBlock({ shopId, kind: 'sms', blockId: 'batch-greedy' }, 5, T0);
    expect(await credits.reserveBlock(block, 3, T0)).toMatchObject({ state: 'EMPTY', granted: 0 });
    await topUp(shopId, 'sms', 5);
    stalled.resume();
    expect(await attemptA).toMatchObject({ state: 'EMPTY' });
    // A did take 3, and gave them back, once: its memo is gone with them.
    expect((await balanceItem(shopId, 'sms'))?.blocks?.['batch-late']).toBeUndefined();
    expect(await credits.balances(shopId)).toEqual({ sms: 5, bulkMail: 0, reserved: { sms: 5, bulkMail: 0 } });
    expect(await credits.spend(block, notice('late'))).toBe('insufficient');
  });

  it('an attempt that takes credits for a block released before it was reserved gives them back (S12)', async () => {
    const { shopId, block, stalled, attemptA } = await attemptHeldAtTake(5, 'batch-closed');
    expect(await credits.releaseBlock(block, T0)).toMatchObject({ state: 'RELEASED', granted: 0, refunded: 0 });
    stalled.resume();
    expect(await attemptA).toMatchObject({ state: 'RELEASED', granted: 0 });
    expect((await balanceItem(shopId, 'sms'))?.blocks?.['batch-closed']).toBeUndefined();
    expect(await credits.balances(shopId)).toEqual({ sms: 5, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
  });

  // The race the grant's token is for: the block's own grant was settled (its memo removed) before a stalled attempt
  // of the same block took again. That take succeeds — nothing on the balance remembers the block — and must be told
  // from the block's own grant (which the block names by its token), or the spent messages would be refunded twice.
  it('an attempt that takes credits after the block was reserved, spent from, released and settled gives back exactly what it took (S12)', async () => {
    const { shopId, block, stalled, attemptA } = await attemptHeldAtTake(10, 'batch-settled');
    // Attempt B: the whole life of the block, to the settled refund.
    expect(await credits.reserveBlock(block, 3, T0)).toMatchObject({ state: 'ACTIVE', granted: 3 });
    expect(await credits.spend(block, notice('b1'))).toBe('debited');
    expect(await credits.spend(block, notice('b2'))).toBe('debited');
    expect(await credits.releaseBlock(block, T0)).toMatchObject({ state: 'RELEASED', spent: 2, refunded: 1 });
    expect((await balanceItem(shopId, 'sms'))?.blocks).toEqual({});
    stalled.resume();
    // A took 3 again, found the block RELEASED with another grant's token, and gave its 3 back whole.
    expect(await attemptA).toMatchObject({ state: 'RELEASED', granted: 3, spent: 2, refunded: 1 });
    expect(await credits.balances(shopId)).toEqual({ sms: 8, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    // And releasing it again changes nothing.
    await credits.releaseBlock(block, T0);
    expect(await credits.balances(shopId)).toEqual({ sms: 8, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
  });

  it('that late grant, its attempt dying before it gave it back, is given back whole by the end-of-run sweep (S12)', async () => {
    // Its refund is held for good: the attempt dies there.
    const { shopId, block, stalled, outer: dying } = await attemptHeldAtTake(10, 'batch-orphan-died', (db) => pausingClient(db, updateWith('REMOVE blocks.#b')));
    await credits.reserveBlock(block, 3, T0);
    expect(await credits.spend(block, notice('b1'))).toBe('debited');
    expect(await credits.releaseBlock(block, T0)).toMatchObject({ spent: 1, refunded: 2 });
    stalled.resume();
    await dying.reached; // A took 3 again and dies before giving them back
    expect(await credits.balances(shopId)).toEqual({ sms: 6, bulkMail: 0, reserved: { sms: 3, bulkMail: 0 } });
    expect((await credits.sweepAbandonedBlocks(later(ABANDONED_AFTER_SECONDS + 60))).filter((ref) => ref.shopId === shopId)).toEqual([block]);
    expect(await credits.balances(shopId)).toEqual({ sms: 9, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
  });

  // The other side of the token: the block can hold the stalled attempt's own grant (a redelivery found its memo and
  // wrote the block with it). Closed meanwhile, the block is no longer ACTIVE — but it names A's token, so A's grant
  // is not an orphan: given back whole, the two messages spent from it would be free.
  it('an attempt whose grant a redelivery adopted, spent from and closed does not give it back when it wakes (S12)', async () => {
    const { shopId, block, held: stalled, attempt: attemptA } = await attemptHeldAtBlockWrite(10, 'batch-adopted', 3); // A took 3
    // Attempt B finds A's grant, writes the block with it, spends 2, closes it and dies before its refund.
    expect(await credits.reserveBlock(block, 3, T0)).toMatchObject({ state: 'ACTIVE', granted: 3 });
    expect(await credits.spend(block, notice('b1'))).toBe('debited');
    expect(await credits.spend(block, notice('b2'))).toBe('debited');
    const dying = pausingClient(table.db, updateWith('REMOVE blocks.#b'));
    void creditsRepository(dying.db, table.tableName).releaseBlock(block, T0, 'ACTIVE');
    await dying.reached;
    stalled.resume();
    expect(await attemptA).toMatchObject({ state: 'RELEASED', granted: 3, spent: 2 });
    expect(await credits.balances(shopId)).toEqual({ sms: 7, bulkMail: 0, reserved: { sms: 3, bulkMail: 0 } });
    await credits.sweepAbandonedBlocks(later(ABANDONED_AFTER_SECONDS + 60));
    expect(await credits.balances(shopId)).toEqual({ sms: 8, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
  });

  it('a grant whose attempt died before writing its block, never retried, is given back by the end-of-run sweep, once', async () => {
    // The take is written; the block never is (the gate is never opened).
    const { shopId, block } = await attemptHeldAtBlockWrite(10, 'taken-then-died', 4);
    expect(await credits.balances(shopId)).toEqual({ sms: 6, bulkMail: 0, reserved: { sms: 4, bulkMail: 0 } });
    expect((await credits.sweepAbandonedBlocks(later(60))).filter((ref) => ref.shopId === shopId)).toEqual([]);
    expect((await credits.sweepAbandonedBlocks(later(ABANDONED_AFTER_SECONDS + 60))).filter((ref) => ref.shopId === shopId)).toEqual([block]);
    expect(await credits.balances(shopId)).toEqual({ sms: 10, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    // The block is closed for good (nothing can be reserved or spent through it any more), and the sweep is done with it.
    expect(await credits.block(block)).toMatchObject({ state: 'RELEASED', granted: 0 });
    expect(await credits.spend(block, notice('late'))).toBe('insufficient');
    expect((await credits.sweepAbandonedBlocks(later(ABANDONED_AFTER_SECONDS + 120))).filter((ref) => ref.shopId === shopId)).toEqual([]);
  });

  it('the earlier protocol’s memos (settled ones kept with `r`, an unsettled one without a token) are swept: the grant given back once, the rest forgotten', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 10);
    const t = Math.floor(T0.getTime() / 1000);
    // As the earlier code left it: 4 taken for a block that spent 1 and was RELEASED, its release dying before the
    // refund; two memos settled long ago. Then a new grant lists the balance.
    await table.db.send(new UpdateCommand({ TableName: table.tableName, Key: keys.creditBalance(shopId, 'sms'), UpdateExpression: 'SET balance = balance - :g, blocks.#old = :memo, blocks.#s1 = :settled, blocks.#s2 = :settled', ExpressionAttributeNames: { '#old': 'old-dead', '#s1': 'old-settled-1', '#s2': 'old-settled-2' }, ExpressionAttributeValues: { ':g': 4, ':memo': { g: 4, t }, ':settled': { g: 2, t, r: 1 } } }));
    await table.db.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.creditBlock(shopId, 'sms', 'old-dead'), state: 'RELEASED', want: 4, granted: 4, spent: new Set(['aaaaaaaaaaa']) } }));
    expect(await credits.balances(shopId)).toEqual({ sms: 6, bulkMail: 0, reserved: { sms: 4, bulkMail: 0 } });
    const fresh = { shopId, kind: 'sms' as const, blockId: 'new' };
    await credits.reserveBlock(fresh, 2, T0);
    await credits.releaseBlock(fresh, T0, 'ACTIVE');
    expect((await credits.sweepAbandonedBlocks(later(ABANDONED_AFTER_SECONDS + 60))).filter((ref) => ref.shopId === shopId)).toEqual([{ shopId, kind: 'sms', blockId: 'old-dead' }]);
    expect(await credits.balances(shopId)).toEqual({ sms: 9, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    expect((await balanceItem(shopId, 'sms'))?.blocks).toEqual({});
    expect((await balanceItem(shopId, 'sms'))?.duepk).toBeUndefined();
  });

  // The earlier protocol listed open blocks (DUE#CREDITBLOCK), not balances: a worker that died in the last 30 minutes
  // of the last run before the upgrade left a grant on a balance the new listing does not name. The first sweep after
  // the upgrade must still give it back, whether or not the shop ever takes credits again.
  it('a block the earlier protocol listed, its worker dead before the upgrade, is released by the sweep: reserved back to 0', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'sms', 10);
    const t = Math.floor(T0.getTime() / 1000);
    const legacyListing = { duepk: 'DUE#CREDITBLOCK', duesk: '2026-11-27T08:00:00+09:00' };
    // As the earlier code left them: 'active' took 4 and spent 1; 'reserving' died before its take.
    await table.db.send(new UpdateCommand({ TableName: table.tableName, Key: keys.creditBalance(shopId, 'sms'), UpdateExpression: 'SET balance = balance - :g, blocks.#b = :memo', ExpressionAttributeNames: { '#b': 'active' }, ExpressionAttributeValues: { ':g': 4, ':memo': { g: 4, t } } }));
    const legacyBlock = (blockId: string, item: Record<string, unknown>) =>
      table.db.send(new PutCommand({ TableName: table.tableName, Item: { ...keys.creditBlock(shopId, 'sms', blockId), type: 'creditBlock', shopId, kind: 'sms', blockId, createdAt: legacyListing.duesk, ...legacyListing, ...item } }));
    await legacyBlock('active', { state: 'ACTIVE', want: 4, granted: 4, spent: new Set(['aaaaaaaaaaa']) });
    await legacyBlock('reserving', { state: 'RESERVING', want: 2 });
    expect(await credits.balances(shopId)).toEqual({ sms: 6, bulkMail: 0, reserved: { sms: 4, bulkMail: 0 } });
    await credits.sweepAbandonedBlocks(later(ABANDONED_AFTER_SECONDS + 60));
    expect(await credits.balances(shopId)).toEqual({ sms: 9, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    expect(await credits.block({ shopId, kind: 'sms', blockId: 'active' })).toMatchObject({ state: 'RELEASED', spent: 1, refunded: 3 });
    // Off the earlier listing, once: a second sweep changes nothing.
    for (const blockId of ['active', 'reserving']) {
      expect((await table.db.send(new GetCommand({ TableName: table.tableName, Key: keys.creditBlock(shopId, 'sms', blockId) }))).Item?.duepk).toBeUndefined();
    }
    await credits.sweepAbandonedBlocks(later(ABANDONED_AFTER_SECONDS + 120));
    expect(await credits.balances(shopId)).toEqual({ sms: 9, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
  });

  it('a balance is listed for the sweep from its first grant while it holds grants, and taken off once it holds none', async () => {
    const listed = async (shopId: string) => (await balanceItem(shopId, 'sms'))?.duepk !== undefined;
    const shopId = newShopId();
    await topUp(shopId, 'sms', 10);
    expect(await listed(shopId)).toBe(false);
    const first = { shopId, kind: 'sms' as const, blockId: 'first' };
    await credits.reserveBlock(first, 2, T0);
    expect(await listed(shopId)).toBe(true);
    const since = (await balanceItem(shopId, 'sms'))?.duesk;
    // A later grant keeps the listing's time: the oldest grant is never younger than it.
    await credits.reserveBlock({ shopId, kind: 'sms', blockId: 'second' }, 2, later(600));
    expect((await balanceItem(shopId, 'sms'))?.duesk).toBe(since);
    await credits.releaseBlock(first, later(600));
    // A sweep while one grant is left (young or old) keeps the balance listed; one after the last is settled takes it off.
    await credits.sweepAbandonedBlocks(later(ABANDONED_AFTER_SECONDS + 60));
    expect(await listed(shopId)).toBe(true);
    await credits.releaseBlock({ shopId, kind: 'sms', blockId: 'second' }, later(700));
    await credits.sweepAbandonedBlocks(later(ABANDONED_AFTER_SECONDS + 700));
    expect(await listed(shopId)).toBe(false);
    await credits.reserveBlock({ shopId, kind: 'sms', blockId: 'third' }, 2, later(800));
    expect(await listed(shopId)).toBe(true);
  });

  // A work unit's block outlives its attempt on purpose (stop-job.ts: a redelivered step carries on with it), so a
  // redelivery can hold a grant taken more than ABANDONED_AFTER_SECONDS ago, which the end-of-run sweep closes under
  // it. A closed block with room is not a shop out of credits: the rest of its messages are paid one by one.
  it('a block the sweep closes under a redelivered work unit does not make its next messages NO_CREDIT (S23, S24)', async () => {
    const shopId = newShopId();
    await topUp(shopId, 'bulkMail', 10);
    const step = { shopId, kind: 'bulkMail' as const, blockId: 'stop:job-1:0', want: 3 };
    const mail = (id: string) => ['auto-cancel#' + id, { reason: 'auto-cancel' as const, subscriptionId: id, jobId: 'job-1' }] as const;
    const first = await openCreditBlock({ credits, clock: fixedClock(T0) }, step);
    expect(await first.debit(...mail('a'))).toBe('debited'); // then the worker dies; the step comes back 30 minutes later
    const redelivered = await openCreditBlock({ credits, clock: fixedClock(later(ABANDONED_AFTER_SECONDS - 60)) }, step);
    expect(redelivered.block).toMatchObject({ state: 'ACTIVE', granted: 3, spent: 1 });
    await credits.sweepAbandonedBlocks(later(ABANDONED_AFTER_SECONDS + 60));
    expect(await redelivered.debit(...mail('a'))).toBe('debited');
    expect(await redelivered.debit(...mail('b'))).toBe('debited');
    await redelivered.release();
    expect(await credits.balances(shopId)).toEqual({ sms: 0, bulkMail: 8, reserved: { sms: 0, bulkMail: 0 } });
    expect((await allLedger(shopId)).filter((entry) => entry.change < 0).map((entry) => entry.subscriptionId).sort()).toEqual(['a', 'b']);
    // A block that ran dry still answers 'insufficient'.
    const dry = await openCreditBlock({ credits, clock: fixedClock(T0) }, { shopId, kind: 'bulkMail', blockId: 'stop:job-2:0', want: 8 });
    for (const id of ['c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']) expect(await dry.debit(...mail(id))).toBe('debited');
    expect(await dry.debit(...mail('k'))).toBe('insufficient');
    await dry.release();
  });

  it('debitOne debits a single message once (the operator summary mail, S23, S24)', async () => {
    const shopId = newShopId();
    const deps = { credits, clock: fixedClock(T0) };
    const summary = { shopId, kind: 'bulkMail' as const, operationId: 'auto-cancel-summary#stop-1', reason: 'auto-cancel-summary' as const, jobId: 'stop-1' };
    expect(await debitOne(deps, summary)).toBe('insufficient');
    await topUp(shopId, 'bulkMail', 2);
    // The refused attempt's block is closed for good; the next attempt goes through a block of its own.
    expect(await debitOne(deps, summary)).toBe('debited');
    expect(await debitOne(deps, summary)).toBe('debited');
    expect(await credits.block({ shopId, kind: 'bulkMail', blockId: 'one:auto-cancel-summary#stop-1' })).toMatchObject({ state: 'EMPTY' });
    expect(await credits.block({ shopId, kind: 'bulkMail', blockId: 'one:auto-cancel-summary#stop-1#1' })).toMatchObject({ state: 'RELEASED', spent: 1, refunded: 0 });
    expect(await credits.balances(shopId)).toEqual({ sms: 0, bulkMail: 1, reserved: { sms: 0, bulkMail: 0 } });
    expect(await allLedger(shopId)).toHaveLength(2);
  });
});

const updateWith = (fragment: string) => (command: { constructor: { name: string }; input: unknown }) => command.constructor.name === 'UpdateCommand' && JSON.stringify(command.input).includes(fragment);

/**
 * A shop with `balance` SMS credits, and attempt A of reserving 3 for `blockId` held right before its take
 * (`stalled.resume()` lets it go on); `wrap` puts another client around the holding one (`outer`).
 */
async function attemptHeldAtTake<W extends { db: DynamoDBDocumentClient }>(balance: number, blockId: string, wrap: (db: DynamoDBDocumentClient) => W = (db) => ({ db }) as W) {
  const shopId = newShopId();
  await topUp(shopId, 'sms', balance);
  const block = { shopId, kind: 'sms' as const, blockId };
  const stalled = pausingClient(table.db, updateWith('balance - :g'));
  const outer = wrap(stalled.db);
  const attemptA = creditsRepository(outer.db, table.tableName).reserveBlock(block, 3, T0);
  attemptA.catch(() => undefined);
  await stalled.reached;
  return { shopId, block, stalled, attemptA, outer };
}

/** A shop with `balance` SMS credits, and an attempt of reserving `want` for `blockId` that took its grant, held right before writing its block. */
async function attemptHeldAtBlockWrite(balance: number, blockId: string, want: number) {
  const shopId = newShopId();
  await topUp(shopId, 'sms', balance);
  const block = { shopId, kind: 'sms' as const, blockId };
  const held = pausingClient(table.db, (command) => command.constructor.name === 'PutCommand' && JSON.stringify(command.input).includes(blockId));
  const attempt = creditsRepository(held.db, table.tableName).reserveBlock(block, want, T0);
  attempt.catch(() => undefined);
  await held.reached;
  return { shopId, block, held, attempt };
}

/** A client that holds the first command matching `when` until `resume()`: interleaves two attempts at a chosen point. */
function pausingClient(db: DynamoDBDocumentClient, when: (command: { constructor: { name: string }; input: unknown }) => boolean) {
  let resume!: () => void;
  let signalReached!: () => void;
  const gate = new Promise<void>((resolve) => (resume = resolve));
  const reached = new Promise<void>((resolve) => (signalReached = resolve));
  let paused = false;
  const send = async (command: { constructor: { name: string }; input: unknown }) => {
    if (!paused && when(command)) {
      paused = true;
      signalReached();
      await gate;
    }
    return (db.send as (c: unknown) => Promise<unknown>).call(db, command);
  };
  const proxy = new Proxy(db, { get: (target, property, receiver) => (property === 'send' ? send : Reflect.get(target, property, receiver)) });
  return { db: proxy, reached, resume: () => resume() };
}

// The payment notice's message debit path (functions/use-cases/runs/notice-credits.ts, issue 12): the block
// reserved ahead of the locks, one consume for the message, the ledger lines and the release beside the sends.
const clock = fixedClock(T0);
const blockOf = (shopId: string, blockId = 'notice:2026-11-27:m-1:0'): CreditBlockRef => ({ shopId, kind: 'sms', blockId });
const operation = (n: number) => smsOperationId({ subscriptionId: `sub-${n}`, deliveryDate: '2026-11-29' });
/** A shop with `balance` SMS credits, and its message's block. */
async function shopBlock(balance: number) {
  const shopId = newShopId();
  await topUp(shopId, 'sms', balance);
  return { shopId, ref: blockOf(shopId) };
}
/** The same, the block reserved for `size` credits. */
async function reservedBlock(balance: number, size: number) {
  const { shopId, ref } = await shopBlock(balance);
  return { shopId, ref, reserved: await credits.reserveBlock(ref, size, T0) };
}
const debit = (n: number, block: string): SmsDebit => ({ ref: { subscriptionId: `sub-${n}`, deliveryDate: '2026-11-29' }, block, at: '2026-11-27T08:00:00+09:00' });

describe('consume: one write for a message’s SMS (S12)', () => {
  it('holds as many operations as the block has room for, in the order given, and answers the same again', async () => {
    const { ref } = await shopBlock(10);
    await credits.reserveBlock(ref, 3, T0);
    const ops = [1, 2, 3, 4].map(operation);
    expect(await credits.consume(ref, ops)).toEqual(new Set(ops.slice(0, 3)));
    expect(await credits.consume(ref, ops)).toEqual(new Set(ops.slice(0, 3)));
    expect(await credits.block(ref)).toMatchObject({ state: 'ACTIVE', granted: 3, spent: 3 });
  });

  it('with the block as reserved (ACTIVE, nothing spent) writes without reading it first', async () => {
    const { ref, reserved } = await reservedBlock(10, 3);
    const sent: string[] = [];
    const counting = { send: (command: { constructor: { name: string } }) => (sent.push(command.constructor.name), table.db.send(command as never)) } as unknown as DynamoDBDocumentClient;
    expect(await creditsRepository(counting, table.tableName).consume(ref, [1, 2].map(operation), reserved)).toEqual(new Set([1, 2].map(operation)));
    expect(sent).toEqual(['UpdateCommand']);
    expect(await credits.block(ref)).toMatchObject({ granted: 3, spent: 2 });
  });

  it('a stale guess of the block (spent from since) never spends more than granted: refused, it reads and goes round', async () => {
    const { ref, reserved } = await reservedBlock(10, 3);
    expect(reserved).toMatchObject({ state: 'ACTIVE', granted: 3, spent: 0 });
    // Someone spent from it since the guess: the guessed write is refused, the block read, the room respected.
    await credits.consume(ref, [operation(9)]);
    const held = await credits.consume(ref, [1, 2, 3].map(operation), reserved);
    expect(held).toEqual(new Set([1, 2].map(operation)));
    expect(await credits.block(ref)).toMatchObject({ granted: 3, spent: 3 });
  });

  it('a released block takes nothing, whatever the guess: it answers only what it held before', async () => {
    const { shopId, ref, reserved } = await reservedBlock(10, 2);
    await credits.consume(ref, [operation(1)], reserved);
    await credits.releaseBlock(ref, T0, 'ACTIVE');
    expect(await credits.consume(ref, [1, 2].map(operation), reserved)).toEqual(new Set([operation(1)]));
    expect(await credits.balances(shopId)).toMatchObject({ sms: 9, reserved: { sms: 0 } });
  });
});

describe('paySms: the message’s block reserved ahead of the locks (S12)', () => {
  it('pays from the block reserved ahead; finish writes one ledger line per SMS paid and returns the rest', async () => {
    const { shopId, ref } = await shopBlock(10);
    const reservation = reserveMessageBlock({ credits, clock }, ref, 4);
    const credited = await paySms({ credits, clock }, ref, [1, 2, 3].map((n) => debit(n, ref.blockId)), reservation);
    expect(credited.paid).toEqual(new Set([1, 2, 3].map(operation)));
    await credited.finish();
    expect(await credits.block(ref)).toMatchObject({ state: 'RELEASED', granted: 4, spent: 3, refunded: 1 });
    expect(await credits.balances(shopId)).toMatchObject({ sms: 7, reserved: { sms: 0 } });
    for (const n of [1, 2, 3]) expect(await credits.entry(shopId, operation(n))).toMatchObject({ applied: true });
  });

  it('with fewer credits than SMS: the first ones are paid, the others not (NO_CREDIT), and nothing stays reserved', async () => {
    const { shopId, ref } = await shopBlock(2);
    const credited = await paySms({ credits, clock }, ref, [1, 2, 3].map((n) => debit(n, ref.blockId)), reserveMessageBlock({ credits, clock }, ref, 3));
    expect(credited.paid).toEqual(new Set([1, 2].map(operation)));
    await credited.finish();
    expect(await credits.balances(shopId)).toMatchObject({ sms: 0, reserved: { sms: 0 } });
  });

  it('reserves in paySms when nothing was reserved ahead but SMS are bound to the message’s block', async () => {
    const { shopId, ref } = await shopBlock(5);
    const none = reserveMessageBlock({ credits, clock }, ref, 0);
    expect(await none).toBeUndefined();
    const credited = await paySms({ credits, clock }, ref, [debit(1, ref.blockId)], none);
    expect(credited.paid).toEqual(new Set([operation(1)]));
    await credited.finish();
    expect(await credits.balances(shopId)).toMatchObject({ sms: 4, reserved: { sms: 0 } });
  });

  it('a block reserved ahead and not needed after all (every item ended before its lock) goes back whole', async () => {
    const { shopId, ref } = await shopBlock(5);
    const credited = await paySms({ credits, clock }, ref, [], reserveMessageBlock({ credits, clock }, ref, 2));
    await credited.finish();
    expect(await credits.block(ref)).toMatchObject({ state: 'RELEASED', granted: 2, spent: 0 } satisfies Partial<CreditBlock>);
    expect(await credits.balances(shopId)).toMatchObject({ sms: 5, reserved: { sms: 0 } });
  });

  it('a reservation that fails fails the message at paySms, not as an unhandled rejection before it', async () => {
    const failing: CreditsRepository = { ...credits, reserveBlock: () => Promise.reject(new Error('throttled')) };
    const ref = blockOf(newShopId());
    const reservation = reserveMessageBlock({ credits: failing, clock }, ref, 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(paySms({ credits: failing, clock }, ref, [debit(1, ref.blockId)], reservation)).rejects.toThrow('throttled');
  });
});

describe('paySms: an SMS bound to another message’s block (a resumed cycle) is paid once (S12)', () => {
  // The cycle names block X of an earlier message, whose redelivery writes X (from the grant its dead attempt took)
  // between this message's consume (X missing) and its look at X. X is ACTIVE with room then: not closed, so it
  // must not be taken for closed — a later resume of the cycle, still bound to X, would be paid from it again.
  it('a block written between the consume and the look at it is asked again, not paid around', async () => {
    const { shopId, ref: own } = await shopBlock(10);
    const named = blockOf(shopId, 'notice:2026-11-26:m-0:0');
    let reads = 0;
    const held = pausingClient(table.db, (command) => command.constructor.name === 'GetCommand' && JSON.stringify(command.input).includes(named.blockId) && (reads += 1) === 2);
    const repository = creditsRepository(held.db, table.tableName);
    const paying = paySms({ credits: repository, clock }, own, [debit(1, named.blockId)], reserveMessageBlock({ credits: repository, clock }, own, 1));
    await held.reached; // consume found X missing; paySms is about to look at it
    await credits.reserveBlock(named, 2, T0); // the earlier message's redelivery writes X
    held.resume();
    const first = await paying;
    expect(first.paid).toEqual(new Set([operation(1)]));
    await first.finish();
    // The cycle's notice is resumed by a later message (its SMS failed to go out): still bound to X.
    const next = blockOf(shopId, 'notice:2026-11-27:m-9:0');
    const again = await paySms({ credits, clock }, next, [debit(1, named.blockId)], reserveMessageBlock({ credits, clock }, next, 1));
    expect(again.paid).toEqual(new Set([operation(1)]));
    await again.finish();
    await credits.releaseBlock(named, T0);
    // One SMS, one credit, wherever it was paid from.
    expect(await credits.balances(shopId)).toEqual({ sms: 9, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    expect((await allLedger(shopId)).filter((entry) => entry.change < 0)).toHaveLength(1);
  });
});

/**
 * S12: the SMS credits of one notice message (functions/use-cases/runs/notice-credits.ts) and the repository's
 * `consume` it pays with, against the embedded DynamoDB engine. The run's crash points are in
 * notice-crash.test.ts; these pin the pieces issue 12 moved around the locks: the block reserved ahead of them,
 * the first consume written without reading the block, the ledger lines and the release beside the sends.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditsRepository, type CreditsRepository } from '../../functions/adapters/dynamodb/credits.repo.ts';
import { fixedClock } from '../../functions/core/clock.ts';
import { topUpOperationId, type CreditBlock, type CreditBlockRef } from '../../functions/domain/credits.ts';
import { paySms, reserveMessageBlock, smsOperationId, type SmsDebit } from '../../functions/use-cases/runs/notice-credits.ts';
import { startEmbeddedTable, type EmbeddedTable } from '../support/embedded-table.ts';

let table: EmbeddedTable;
let credits: CreditsRepository;
beforeAll(async () => {
  table = await startEmbeddedTable();
  credits = creditsRepository(table.db, table.tableName);
});
afterAll(() => table?.stop());

const T0 = new Date('2026-12-02T08:00:00+09:00');
const clock = fixedClock(T0);
let shops = 0;
async function shopWith(balance: number): Promise<string> {
  const shopId = `notice-credits-${(shops += 1)}`;
  if (balance > 0) await credits.topUp(shopId, 'sms', { operationId: topUpOperationId('sms', `r-${shopId}`), amount: balance, reference: `r-${shopId}`, at: T0 });
  return shopId;
}
const blockOf = (shopId: string, blockId = 'notice:2026-12-02:m-1:0'): CreditBlockRef => ({ shopId, kind: 'sms', blockId });
const operation = (n: number) => smsOperationId({ subscriptionId: `sub-${n}`, deliveryDate: '2026-12-04' });
const debit = (n: number, block: string): SmsDebit => ({ ref: { subscriptionId: `sub-${n}`, deliveryDate: '2026-12-04' }, block, at: '2026-12-02T08:00:00+09:00' });

describe('consume: one write for a message’s SMS (S12)', () => {
  it('holds as many operations as the block has room for, in the order given, and answers the same again', async () => {
    const shopId = await shopWith(10);
    const ref = blockOf(shopId);
    await credits.reserveBlock(ref, 3, T0);
    const ops = [1, 2, 3, 4].map(operation);
    expect(await credits.consume(ref, ops)).toEqual(new Set(ops.slice(0, 3)));
    expect(await credits.consume(ref, ops)).toEqual(new Set(ops.slice(0, 3)));
    expect(await credits.block(ref)).toMatchObject({ state: 'ACTIVE', granted: 3, spent: 3 });
  });

  it('with the block as reserved (ACTIVE, nothing spent) writes without reading it first', async () => {
    const shopId = await shopWith(10);
    const ref = blockOf(shopId);
    const reserved = await credits.reserveBlock(ref, 3, T0);
    const sent: string[] = [];
    const counting = { send: (command: { constructor: { name: string } }) => (sent.push(command.constructor.name), table.db.send(command as never)) } as unknown as DynamoDBDocumentClient;
    expect(await creditsRepository(counting, table.tableName).consume(ref, [1, 2].map(operation), reserved)).toEqual(new Set([1, 2].map(operation)));
    expect(sent).toEqual(['UpdateCommand']);
    expect(await credits.block(ref)).toMatchObject({ granted: 3, spent: 2 });
  });

  it('a stale guess of the block (spent from since) never spends more than granted: refused, it reads and goes round', async () => {
    const shopId = await shopWith(10);
    const ref = blockOf(shopId);
    const reserved = await credits.reserveBlock(ref, 3, T0);
    expect(reserved).toMatchObject({ state: 'ACTIVE', granted: 3, spent: 0 });
    // Someone spent from it since the guess: the guessed write is refused, the block read, the room respected.
    await credits.consume(ref, [operation(9)]);
    const held = await credits.consume(ref, [1, 2, 3].map(operation), reserved);
    expect(held).toEqual(new Set([1, 2].map(operation)));
    expect(await credits.block(ref)).toMatchObject({ granted: 3, spent: 3 });
  });

  it('a released block takes nothing, whatever the guess: it answers only what it held before', async () => {
    const shopId = await shopWith(10);
    const ref = blockOf(shopId);
    const reserved = await credits.reserveBlock(ref, 2, T0);
    await credits.consume(ref, [operation(1)], reserved);
    await credits.releaseBlock(ref, T0, 'ACTIVE');
    expect(await credits.consume(ref, [1, 2].map(operation), reserved)).toEqual(new Set([operation(1)]));
    expect(await credits.balances(shopId)).toMatchObject({ sms: 9, reserved: { sms: 0 } });
  });
});

describe('paySms: the message’s block reserved ahead of the locks (S12)', () => {
  it('pays from the block reserved ahead; finish writes one ledger line per SMS paid and returns the rest', async () => {
    const shopId = await shopWith(10);
    const ref = blockOf(shopId);
    const reservation = reserveMessageBlock({ credits, clock }, ref, 4);
    const credited = await paySms({ credits, clock }, ref, [1, 2, 3].map((n) => debit(n, ref.blockId)), reservation);
    expect(credited.paid).toEqual(new Set([1, 2, 3].map(operation)));
    await credited.finish();
    expect(await credits.block(ref)).toMatchObject({ state: 'RELEASED', granted: 4, spent: 3, refunded: 1 });
    expect(await credits.balances(shopId)).toMatchObject({ sms: 7, reserved: { sms: 0 } });
    for (const n of [1, 2, 3]) expect(await credits.entry(shopId, operation(n))).toMatchObject({ applied: true });
  });

  it('with fewer credits than SMS: the first ones are paid, the others not (NO_CREDIT), and nothing stays reserved', async () => {
    const shopId = await shopWith(2);
    const ref = blockOf(shopId);
    const credited = await paySms({ credits, clock }, ref, [1, 2, 3].map((n) => debit(n, ref.blockId)), reserveMessageBlock({ credits, clock }, ref, 3));
    expect(credited.paid).toEqual(new Set([1, 2].map(operation)));
    await credited.finish();
    expect(await credits.balances(shopId)).toMatchObject({ sms: 0, reserved: { sms: 0 } });
  });

  it('reserves in paySms when nothing was reserved ahead but SMS are bound to the message’s block', async () => {
    const shopId = await shopWith(5);
    const ref = blockOf(shopId);
    const none = reserveMessageBlock({ credits, clock }, ref, 0);
    expect(await none.block).toBeUndefined();
    const credited = await paySms({ credits, clock }, ref, [debit(1, ref.blockId)], none);
    expect(credited.paid).toEqual(new Set([operation(1)]));
    await credited.finish();
    expect(await credits.balances(shopId)).toMatchObject({ sms: 4, reserved: { sms: 0 } });
  });

  it('a block reserved ahead and not needed after all (every item ended before its lock) goes back whole', async () => {
    const shopId = await shopWith(5);
    const ref = blockOf(shopId);
    const credited = await paySms({ credits, clock }, ref, [], reserveMessageBlock({ credits, clock }, ref, 2));
    await credited.finish();
    expect(await credits.block(ref)).toMatchObject({ state: 'RELEASED', granted: 2, spent: 0 } satisfies Partial<CreditBlock>);
    expect(await credits.balances(shopId)).toMatchObject({ sms: 5, reserved: { sms: 0 } });
  });

  it('a reservation that fails fails the message at paySms, not as an unhandled rejection before it', async () => {
    const failing: CreditsRepository = { ...credits, reserveBlock: () => Promise.reject(new Error('throttled')) };
    const ref = blockOf(await shopWith(5));
    const reservation = reserveMessageBlock({ credits: failing, clock }, ref, 1);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(paySms({ credits: failing, clock }, ref, [debit(1, ref.blockId)], reservation)).rejects.toThrow('throttled');
  });
});

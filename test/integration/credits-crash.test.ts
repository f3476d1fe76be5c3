/**
 * Crash injection (S12, S24): every credit operation is a sequence of
 * single-item conditional writes (no transactions in the embedded engine), so
 * a process can die between any two. For every call index k of a clean run,
 * the k-th call fails — before it reaches DynamoDB, or after DynamoDB applied
 * it — and the whole operation is then run again: exactly one effect.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { creditsRepository, type CreditsRepository } from '../../functions/adapters/dynamodb/credits.repo.ts';
import { fixedClock } from '../../functions/core/clock.ts';
import { ABANDONED_AFTER_SECONDS, topUpOperationId, type CreditBlockRef, type Debit } from '../../functions/domain/credits.ts';
import { debitOne } from '../../functions/use-cases/credit-blocks.ts';
import { startEmbeddedTable, type EmbeddedTable } from '../support/embedded-table.ts';
import { faultyClient, SimulatedCrash } from '../support/faulty-client.ts';

let table: EmbeddedTable;
let healthy: CreditsRepository;
beforeAll(async () => {
  table = await startEmbeddedTable();
  healthy = creditsRepository(table.db, table.tableName);
});
afterAll(() => table?.stop());

const T0 = new Date('2026-11-27T08:00:00+09:00');
const WHEN = ['before', 'after'] as const;
let shopCounter = 0;
const newShopId = () => `crash-shop-${(shopCounter += 1)}`;

const notice = (subscriptionId: string): Debit => ({ operationId: `payment-notice#${subscriptionId}#2026-11-29#sms`, reason: 'payment-notice', subscriptionId, at: T0 });
const fund = (shopId: string, amount: number) => healthy.topUp(shopId, 'sms', { operationId: topUpOperationId('sms', 'seed'), amount, reference: 'seed', at: T0 });

/** Counts the calls a clean run makes, on a fresh shop. */
async function callsOfCleanRun(prepare: (shopId: string) => Promise<void>, operation: (credits: CreditsRepository, shopId: string) => Promise<unknown>): Promise<number> {
  const shopId = newShopId();
  await prepare(shopId);
  const counter = faultyClient(table.db, Number.POSITIVE_INFINITY);
  await operation(creditsRepository(counter.db, table.tableName), shopId);
  return counter.calls();
}

/** Runs `operation` with its k-th call failing, for every k of a clean run and both failure points, then again without failures. */
async function crashEverywhere(
  prepare: (shopId: string) => Promise<void>,
  operation: (credits: CreditsRepository, shopId: string) => Promise<unknown>,
  check: (shopId: string, crash: string) => Promise<void>,
  recover: (credits: CreditsRepository, shopId: string) => Promise<unknown> = operation,
): Promise<number> {
  const calls = await callsOfCleanRun(prepare, operation);
  expect(calls).toBeGreaterThan(2);
  for (let k = 1; k <= calls; k += 1) {
    for (const when of WHEN) {
      const shopId = newShopId();
      await prepare(shopId);
      const faulty = faultyClient(table.db, k, when);
      await expect(operation(creditsRepository(faulty.db, table.tableName), shopId), `call ${k} ${when}`).rejects.toBeInstanceOf(SimulatedCrash);
      await recover(healthy, shopId);
      await check(shopId, `crash ${when} call ${k} (${faulty.commands[k - 1]})`);
    }
  }
  return calls;
}

const ledgerOf = async (shopId: string) => (await healthy.ledger(shopId, { limit: 100 })).items;

describe('crash at every step, then the operation again (S12, S24)', () => {
  it('a top-up is applied exactly once', async () => {
    const calls = await crashEverywhere(
      async () => undefined,
      (credits, shopId) => credits.topUp(shopId, 'sms', { operationId: topUpOperationId('sms', 'order-9'), amount: 7, reference: 'order-9', at: T0 }),
      async (shopId, crash) => {
        expect((await healthy.balances(shopId)).sms, crash).toBe(7);
        expect((await ledgerOf(shopId)).map((entry) => entry.change), crash).toEqual([7]);
      },
    );
    expect(calls).toBeGreaterThanOrEqual(4);
  });

  const pipeline = async (credits: CreditsRepository, shopId: string, blockId = 'batch-1') => {
    const block: CreditBlockRef = { shopId, kind: 'sms', blockId };
    await credits.reserveBlock(block, 3, T0);
    expect(await credits.spend(block, notice('s1'))).toBe('debited');
    expect(await credits.spend(block, notice('s2'))).toBe('debited');
    await credits.releaseBlock(block, T0);
  };
  const convergedToTwoDebits = async (shopId: string, crash: string) => {
    expect(await healthy.balances(shopId), crash).toEqual({ sms: 8, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
    const debits = (await ledgerOf(shopId)).filter((entry) => entry.change < 0);
    expect(debits.map((entry) => entry.subscriptionId).sort(), crash).toEqual(['s1', 's2']);
    expect(debits.every((entry) => entry.change === -1), crash).toBe(true);
  };

  it('reserve → spend × 2 → release, rerun with the same block: two debits, the rest refunded once', async () => {
    await crashEverywhere((shopId) => fund(shopId, 10).then(() => undefined), (credits, shopId) => pipeline(credits, shopId), async (shopId, crash) => {
      await convergedToTwoDebits(shopId, crash);
      expect(await healthy.block({ shopId, kind: 'sms', blockId: 'batch-1' }), crash).toMatchObject({ state: 'RELEASED', granted: 3, spent: 2, refunded: 1 });
    });
  });

  it('redelivered to a new block after the crash, the dead block swept later: still exactly two debits', async () => {
    await crashEverywhere(
      (shopId) => fund(shopId, 10).then(() => undefined),
      (credits, shopId) => pipeline(credits, shopId, 'batch-1#attempt-1'),
      async (shopId, crash) => {
        await convergedToTwoDebits(shopId, crash);
        const blocks = await Promise.all(['batch-1#attempt-1', 'batch-1#attempt-2'].map((blockId) => healthy.block({ shopId, kind: 'sms', blockId })));
        expect(blocks.reduce((sum, block) => sum + (block?.spent ?? 0), 0), crash).toBe(2);
      },
      async (credits, shopId) => {
        await pipeline(credits, shopId, 'batch-1#attempt-2');
        await credits.releaseAbandonedBlocks(shopId, 'sms', new Date(T0.getTime() + (ABANDONED_AFTER_SECONDS + 60) * 1000));
      },
    );
  });

  it('the sweep of an abandoned block, itself crashing, refunds it once', async () => {
    const later = new Date(T0.getTime() + (ABANDONED_AFTER_SECONDS + 60) * 1000);
    const abandon = async (shopId: string) => {
      await fund(shopId, 10);
      const block: CreditBlockRef = { shopId, kind: 'sms', blockId: 'dead' };
      await healthy.reserveBlock(block, 4, T0);
      await healthy.spend(block, notice('s1'));
    };
    await crashEverywhere(abandon, (credits, shopId) => credits.releaseAbandonedBlocks(shopId, 'sms', later), async (shopId, crash) => {
      expect(await healthy.balances(shopId), crash).toEqual({ sms: 9, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
      expect(await healthy.block({ shopId, kind: 'sms', blockId: 'dead' }), crash).toMatchObject({ state: 'RELEASED', spent: 1, refunded: 3 });
    });
  });

  it('debitOne debits exactly once', async () => {
    const summary = (shopId: string) => ({ shopId, kind: 'sms' as const, operationId: 'auto-cancel-summary#job-1', reason: 'auto-cancel-summary' as const, jobId: 'job-1' });
    await crashEverywhere(
      (shopId) => fund(shopId, 3).then(() => undefined),
      (credits, shopId) => debitOne({ credits, clock: fixedClock(T0) }, summary(shopId)),
      async (shopId, crash) => {
        expect(await healthy.balances(shopId), crash).toEqual({ sms: 2, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
        expect((await ledgerOf(shopId)).filter((entry) => entry.change < 0).map((entry) => entry.id), crash).toEqual(['auto-cancel-summary#job-1']);
      },
      async (credits, shopId) => {
        expect(await debitOne({ credits, clock: fixedClock(T0) }, summary(shopId))).toBe('debited');
      },
    );
  });
});

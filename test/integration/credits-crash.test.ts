/**
 * Crash injection (S12, S24): every credit operation is a sequence of
 * single-item conditional writes (no transactions in the embedded engine), so
 * a process can die between any two. For every call index k of a clean run,
 * the k-th call fails — before it reaches DynamoDB, or after DynamoDB applied
 * it — and the whole operation is then run again: exactly one effect.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { creditsRepository, type CreditsRepository } from '../../functions/adapters/dynamodb/credits.repo.ts';
import { fixedClock } from '../../functions/core/clock.ts';
import { ABANDONED_AFTER_SECONDS, topUpOperationId, type CreditBlockRef, type Debit } from '../../functions/domain/credits.ts';
import { debitOne } from '../../functions/use-cases/credit-blocks.ts';
import { startEmbeddedTable, type EmbeddedTable } from '../support/embedded-table.ts';
import { faultyClient, SimulatedCrash } from '../support/faulty-client.ts';

// Started while the file is collected: each crash table below is built from a clean run's calls.
const table: EmbeddedTable = await startEmbeddedTable();
afterAll(() => table.stop());
const healthy: CreditsRepository = creditsRepository(table.db, table.tableName);

const T0 = new Date('2026-11-27T08:00:00+09:00');
const WHEN = ['before', 'after'] as const;
let shopCounter = 0;
const newShopId = () => `crash-shop-${(shopCounter += 1)}`;

const notice = (subscriptionId: string): Debit => ({ operationId: `payment-notice#${subscriptionId}#2026-11-29#sms`, reason: 'payment-notice', subscriptionId, at: T0 });
const fund = (shopId: string, amount: number) => healthy.topUp(shopId, 'sms', { operationId: topUpOperationId('sms', 'seed'), amount, reference: 'seed', at: T0 });

/** Counts the calls a clean run makes, on a fresh shop, and lists them. */
async function cleanRun(prepare: (shopId: string) => Promise<void>, operation: (credits: CreditsRepository, shopId: string) => Promise<unknown>) {
  const shopId = newShopId();
  await prepare(shopId);
  const counter = faultyClient(table.db, Number.POSITIVE_INFINITY);
  await operation(creditsRepository(counter.db, table.tableName), shopId);
  return { calls: counter.calls(), commands: counter.commands };
}

interface Scenario {
  readonly prepare: (shopId: string) => Promise<void>;
  readonly operation: (credits: CreditsRepository, shopId: string) => Promise<unknown>;
  readonly check: (shopId: string, crash: string) => Promise<void>;
  /** What runs after the crash (as the redelivery would); the operation again unless said. */
  readonly recover?: (credits: CreditsRepository, shopId: string) => Promise<unknown>;
  /** The fewest calls a clean run makes: proves the table covers the steps it is about. */
  readonly minCalls: number;
}

/**
 * A describe block with one test per crash point: for every k of a clean run and both failure points, the
 * operation with its k-th call failing, then the recovery without failures, then the check.
 */
async function crashEverywhere(name: string, scenario: Scenario): Promise<void> {
  const clean = await cleanRun(scenario.prepare, scenario.operation);
  const points = Array.from({ length: clean.calls }, (_, i) => WHEN.map((when) => [i + 1, when, clean.commands[i] ?? ''] as const)).flat();
  describe(name, () => {
    it(`a clean run makes at least ${scenario.minCalls} calls, each a crash point`, () => {
      expect(clean.calls).toBeGreaterThanOrEqual(scenario.minCalls);
    });
    it.each(points)('crash at call %i (%s, %s)', async (k, when, command) => {
      const shopId = newShopId();
      await scenario.prepare(shopId);
      const faulty = faultyClient(table.db, k, when);
      await expect(scenario.operation(creditsRepository(faulty.db, table.tableName), shopId), `call ${k} ${when}`).rejects.toBeInstanceOf(SimulatedCrash);
      await (scenario.recover ?? scenario.operation)(healthy, shopId);
      await scenario.check(shopId, `crash ${when} call ${k} (${command})`);
    });
  });
}

const ledgerOf = async (shopId: string) => (await healthy.ledger(shopId, { limit: 100 })).items;

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
const later = new Date(T0.getTime() + (ABANDONED_AFTER_SECONDS + 60) * 1000);
const summary = (shopId: string) => ({ shopId, kind: 'sms' as const, operationId: 'auto-cancel-summary#job-1', reason: 'auto-cancel-summary' as const, jobId: 'job-1' });

describe('crash at every step, then the operation again (S12, S24)', async () => {
  await crashEverywhere('a top-up is applied exactly once', {
    prepare: async () => undefined,
    operation: (credits, shopId) => credits.topUp(shopId, 'sms', { operationId: topUpOperationId('sms', 'order-9'), amount: 7, reference: 'order-9', at: T0 }),
    check: async (shopId, crash) => {
      expect((await healthy.balances(shopId)).sms, crash).toBe(7);
      expect((await ledgerOf(shopId)).map((entry) => entry.change), crash).toEqual([7]);
    },
    minCalls: 4,
  });

  await crashEverywhere('reserve → spend × 2 → release, rerun with the same block: two debits, the rest refunded once', {
    prepare: (shopId) => fund(shopId, 10).then(() => undefined),
    operation: (credits, shopId) => pipeline(credits, shopId),
    check: async (shopId, crash) => {
      await convergedToTwoDebits(shopId, crash);
      expect(await healthy.block({ shopId, kind: 'sms', blockId: 'batch-1' }), crash).toMatchObject({ state: 'RELEASED', granted: 3, spent: 2, refunded: 1 });
    },
    minCalls: 3,
  });

  await crashEverywhere('redelivered to a new block after the crash, the dead block swept later: still exactly two debits', {
    prepare: (shopId) => fund(shopId, 10).then(() => undefined),
    operation: (credits, shopId) => pipeline(credits, shopId, 'batch-1#attempt-1'),
    check: async (shopId, crash) => {
      await convergedToTwoDebits(shopId, crash);
      const blocks = await Promise.all(['batch-1#attempt-1', 'batch-1#attempt-2'].map((blockId) => healthy.block({ shopId, kind: 'sms', blockId })));
      expect(blocks.reduce((sum, block) => sum + (block?.spent ?? 0), 0), crash).toBe(2);
    },
    recover: async (credits, shopId) => {
      await pipeline(credits, shopId, 'batch-1#attempt-2');
      await credits.releaseAbandonedBlocks(shopId, 'sms', later);
    },
    minCalls: 3,
  });

  await crashEverywhere('the sweep of an abandoned block, itself crashing, refunds it once', {
    prepare: async (shopId) => {
      await fund(shopId, 10);
      const block: CreditBlockRef = { shopId, kind: 'sms', blockId: 'dead' };
      await healthy.reserveBlock(block, 4, T0);
      await healthy.spend(block, notice('s1'));
    },
    operation: (credits, shopId) => credits.releaseAbandonedBlocks(shopId, 'sms', later),
    check: async (shopId, crash) => {
      expect(await healthy.balances(shopId), crash).toEqual({ sms: 9, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
      expect(await healthy.block({ shopId, kind: 'sms', blockId: 'dead' }), crash).toMatchObject({ state: 'RELEASED', spent: 1, refunded: 3 });
    },
    minCalls: 3,
  });

  // Issue 17: the dead worker never comes back; only the end-of-run sweep (which reads the balances listed while they
  // hold grants) can finish its release: the grant's memo, and the listing, stay until the refund removes the memo.
  await crashEverywhere('a release that dies between its writes is finished by the end-of-run sweep, once', {
    prepare: async (shopId) => {
      await fund(shopId, 10);
      const block: CreditBlockRef = { shopId, kind: 'sms', blockId: 'dying' };
      await healthy.reserveBlock(block, 4, T0);
      await healthy.spend(block, notice('s1'));
    },
    operation: (credits, shopId) => credits.releaseBlock({ shopId, kind: 'sms', blockId: 'dying' }, T0, 'ACTIVE'),
    recover: async (credits) => {
      await credits.sweepAbandonedBlocks(later);
    },
    check: async (shopId, crash) => {
      expect(await healthy.balances(shopId), crash).toEqual({ sms: 9, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
      expect(await healthy.block({ shopId, kind: 'sms', blockId: 'dying' }), crash).toMatchObject({ state: 'RELEASED', spent: 1, refunded: 3 });
      // Settled, it leaves the listing: a later sweep finds nothing of it.
      expect((await healthy.sweepAbandonedBlocks(later)).filter((ref) => ref.shopId === shopId), crash).toEqual([]);
    },
    minCalls: 2,
  });

  // The grant is taken before its block is written: a worker that dies between the two, or after, and never comes
  // back leaves only the grant's memo on the balance, which lists the balance for the end-of-run sweep.
  await crashEverywhere('a reservation that dies at any step, its worker never back, is given back by the end-of-run sweep, once', {
    prepare: (shopId) => fund(shopId, 10).then(() => undefined),
    operation: (credits, shopId) => credits.reserveBlock({ shopId, kind: 'sms', blockId: 'never-back' }, 4, T0),
    recover: async (credits) => {
      await credits.sweepAbandonedBlocks(later);
    },
    check: async (shopId, crash) => {
      expect(await healthy.balances(shopId), crash).toEqual({ sms: 10, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
      // Closed for good (or never written, when it died before its first write).
      expect([undefined, 'RELEASED'], crash).toContain((await healthy.block({ shopId, kind: 'sms', blockId: 'never-back' }))?.state);
      expect((await healthy.sweepAbandonedBlocks(later)).filter((ref) => ref.shopId === shopId), crash).toEqual([]);
    },
    minCalls: 2,
  });

  await crashEverywhere('debitOne debits exactly once', {
    prepare: (shopId) => fund(shopId, 3).then(() => undefined),
    operation: (credits, shopId) => debitOne({ credits, clock: fixedClock(T0) }, summary(shopId)),
    check: async (shopId, crash) => {
      expect(await healthy.balances(shopId), crash).toEqual({ sms: 2, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } });
      expect((await ledgerOf(shopId)).filter((entry) => entry.change < 0).map((entry) => entry.id), crash).toEqual(['auto-cancel-summary#job-1']);
    },
    recover: async (credits, shopId) => {
      expect(await debitOne({ credits, clock: fixedClock(T0) }, summary(shopId))).toBe('debited');
    },
    minCalls: 3,
  });
});

/** Credits (S12, S24): ids, keys, the request schema and the top-up use case over a fake port. */
import { describe, expect, it } from 'vitest';
import { operation as topUpCreditsOperation } from '../../functions/api/credits/top-up-credits.operation.ts';
import { spendMember, type CreditsRepository } from '../../functions/adapters/dynamodb/credits.repo.ts';
import { creditLedgerPartition, indexKeys, keys } from '../../functions/adapters/dynamodb/keys.ts';
import type { ShopsRepository } from '../../functions/adapters/dynamodb/shops.repo.ts';
import { fixedClock } from '../../functions/core/clock.ts';
import { assertBlockId, assertOperationId, debitOperationId, topUpOperationId, type CreditKind, type TopUp, type TopUpOutcome } from '../../functions/domain/credits.ts';
import type { Shop } from '../../functions/domain/shop.ts';
import { topUpCredits } from '../../functions/use-cases/top-up-credits.ts';

describe('credit ids and keys', () => {
  it('derive operation ids from the business key, so a repeat addresses the same entry', () => {
    expect(topUpOperationId('sms', 'order-1')).toBe('top-up#sms#order-1');
    expect(debitOperationId('payment-notice', 'sub-1', '2026-11-29', 'sms')).toBe('payment-notice#sub-1#2026-11-29#sms');
    expect(() => assertOperationId('payment-notice#sub-1#2026-11-29#sms')).not.toThrow();
    expect(() => assertOperationId('has space')).toThrow(/operation id/);
    expect(() => assertOperationId('x'.repeat(201))).toThrow();
    expect(() => assertBlockId(`one:${'x'.repeat(200)}`)).not.toThrow();
  });

  it('put each block in a partition of its own, away from the shop and its balances', () => {
    const block = keys.creditBlock('shop-1', 'sms', 'notice-2026-11-27#3#0');
    expect(block).toEqual({ pk: 'SHOP#shop-1#CREDITBLOCK#sms#notice-2026-11-27#3#0', sk: 'BLOCK' });
    expect(block.pk).not.toBe(keys.creditBalance('shop-1', 'sms').pk);
    expect(keys.creditBlock('shop-1', 'bulkMail', 'b').pk).not.toBe(keys.creditBlock('shop-1', 'sms', 'b').pk);
  });

  it("bind ledger cursors to the same gsi1 partition the entries are written to", () => {
    expect(creditLedgerPartition('shop-1')).toMatchObject({ index: 'gsi1', attribute: 'gsi1pk', value: indexKeys.shopLedger('shop-1', 'x', 'y').gsi1pk });
  });

  it("keep a block's spent set small: 11 characters per debit, stable, distinct", () => {
    const members = Array.from({ length: 10_000 }, (_, i) => spendMember(`payment-notice#sub-${i}#2026-11-29#sms`));
    expect(new Set(members).size).toBe(members.length);
    expect(members.every((member) => /^[A-Za-z0-9_-]{11}$/.test(member))).toBe(true);
    expect(spendMember('payment-notice#sub-1#2026-11-29#sms')).toBe(members[1]);
  });
});

describe('the top-up request (S12, S24)', () => {
  const body = topUpCreditsOperation.body!;
  it.each([
    [{ sms: 1 }, true],
    [{ bulkMail: 10_000_000, reference: 'order_1-a' }, true],
    [{}, false],
    [{ reference: 'order-1' }, false],
    [{ sms: 0 }, false],
    [{ sms: -1 }, false],
    [{ sms: 2.5 }, false],
    [{ sms: 10_000_001 }, false],
    [{ sms: 1, reference: 'with#hash' }, false],
    [{ sms: 1, other: 1 }, false],
  ])('%j valid: %s', (input, valid) => {
    expect(body.safeParse(input).success).toBe(valid);
  });
});

describe('topUpCredits (S12, S24)', () => {
  const shop = { shopId: 'shop-1' } as Shop;
  const shops = (exists: boolean): ShopsRepository => ({ get: async () => (exists ? shop : undefined) }) as unknown as ShopsRepository;
  const fakeCredits = (outcome: TopUpOutcome = 'applied') => {
    const calls: Array<{ kind: CreditKind; topUp: TopUp }> = [];
    const credits = {
      topUp: async (_shopId: string, kind: CreditKind, topUp: TopUp) => {
        calls.push({ kind, topUp });
        return outcome;
      },
      balances: async () => ({ sms: 1, bulkMail: 2, reserved: { sms: 0, bulkMail: 0 } }),
      claimReference: async () => 'claimed' as const,
    } as unknown as CreditsRepository;
    return { credits, calls };
  };
  const clock = fixedClock('2026-11-27T10:00:00+09:00');

  it('tops up each kind asked for under one reference, and answers the balances', async () => {
    const { credits, calls } = fakeCredits();
    expect(await topUpCredits({ shops: shops(true), credits, clock }, 'shop-1', { sms: 5, bulkMail: 7, reference: 'order-1' })).toEqual({ sms: 1, bulkMail: 2, reserved: { sms: 0, bulkMail: 0 } });
    expect(calls.map(({ kind, topUp }) => [kind, topUp.operationId, topUp.amount])).toEqual([
      ['sms', 'top-up#sms#order-1', 5],
      ['bulkMail', 'top-up#bulkMail#order-1', 7],
    ]);
  });

  it('makes up a reference when none is given: one per request, shared by its kinds', async () => {
    const { credits, calls } = fakeCredits();
    await topUpCredits({ shops: shops(true), credits, clock }, 'shop-1', { sms: 5, bulkMail: 7 });
    await topUpCredits({ shops: shops(true), credits, clock }, 'shop-1', { sms: 5 });
    const references = calls.map(({ topUp }) => topUp.reference);
    expect(references[0]).toBe(references[1]);
    expect(references[2]).not.toBe(references[0]);
  });

  it('answers 404 for an unknown shop without touching credits, and 409 for a reused reference', async () => {
    const missing = fakeCredits();
    await expect(topUpCredits({ shops: shops(false), credits: missing.credits, clock }, 'nope', { sms: 1 })).rejects.toMatchObject({ status: 404 });
    expect(missing.calls).toEqual([]);
    await expect(topUpCredits({ shops: shops(true), credits: fakeCredits('reference-conflict').credits, clock }, 'shop-1', { sms: 1, reference: 'r' })).rejects.toMatchObject({
      status: 409,
      code: 'TOP_UP_REFERENCE_REUSED',
    });
  });
});

import { describe, expect, it } from 'vitest';
import { DUE_SHARDS } from '../../system/table.ts';
import { creditBalanceOfKey, creditBlockOfKey, dueEntryOf, dueIndexKeys, duePartitions, dueShard, dueUpTo, ID_PATTERN, keys } from '../../functions/adapters/dynamodb/keys.ts';

describe('the due-work index is sharded', () => {
  it('puts one day of work on every shard, none much above its share', () => {
    const counts = new Array<number>(DUE_SHARDS).fill(0);
    const n = 64_000;
    for (let i = 0; i < n; i += 1) counts[dueShard(`01JD${i.toString(36).padStart(8, '0')}SUB`)]! += 1;
    const share = n / DUE_SHARDS;
    expect(Math.min(...counts)).toBeGreaterThan(share * 0.9);
    expect(Math.max(...counts)).toBeLessThan(share * 1.1);
  });

  it('is stable for an id, so a rerun looks in the same partition; the sort key starts with the date, so a run reads everything up to its day', () => {
    const entry = dueIndexKeys('NOTICE', '2026-11-29', 'shop-1', 'sub-1');
    expect(entry).toEqual({ duepk: dueIndexKeys('NOTICE', '2026-12-29', 'shop-1', 'sub-1').duepk, duesk: '2026-11-29#shop-1#sub-1' });
    expect(entry.duepk).toMatch(/^DUE#NOTICE#\d+$/);
    expect('2026-11-29#shop-1#sub-1' <= dueUpTo('2026-11-29')).toBe(true);
    expect('2026-11-30#a#b' <= dueUpTo('2026-11-29')).toBe(false);
  });

  it('reads a due entry back as the cycle it stands for, and nothing else', () => {
    expect(dueEntryOf({ ...keys.cycle('sub-1', '2026-12-01'), duesk: '2026-11-29#shop-1#sub-1' })).toEqual({ date: '2026-11-29', shopId: 'shop-1', subscriptionId: 'sub-1', deliveryDate: '2026-12-01' });
    expect(dueEntryOf({ ...keys.subscription('sub-1'), duesk: '2026-11-29#shop-1#sub-1' })).toBeUndefined();
    expect(dueEntryOf({ ...keys.cycle('sub-2', '2026-12-01'), duesk: '2026-11-29#shop-1#sub-1' })).toBeUndefined();
  });

  it('lists every shard partition for the dispatcher', () => {
    const partitions = duePartitions('CHARGE');
    expect(partitions).toHaveLength(DUE_SHARDS);
    expect(new Set(partitions).size).toBe(DUE_SHARDS);
  });

  it('names the credit balance a listing entry points at, and nothing else', () => {
    expect(creditBalanceOfKey(keys.creditBalance('shop-1', 'sms'))).toEqual({ shopId: 'shop-1', kind: 'sms' });
    expect(creditBalanceOfKey(keys.creditBalance('shop-1', 'bulkMail'))).toEqual({ shopId: 'shop-1', kind: 'bulkMail' });
    expect(creditBalanceOfKey(keys.shop('shop-1'))).toBeUndefined();
    expect(creditBalanceOfKey(keys.creditBlock('shop-1', 'sms', 'b'))).toBeUndefined();
    expect(creditBalanceOfKey({ pk: 'SHOP#shop-1#LEDGER', sk: 'CREDITS#sms' })).toBeUndefined();
    // The earlier protocol's listing named blocks (the sweep still reads it, upgrade only).
    expect(creditBlockOfKey(keys.creditBlock('shop-1', 'sms', 'notice:2026-11-27:m#1:0'))).toEqual({ shopId: 'shop-1', kind: 'sms', blockId: 'notice:2026-11-27:m#1:0' });
    expect(creditBlockOfKey(keys.creditBalance('shop-1', 'sms'))).toBeUndefined();
  });
});

describe('keys', () => {
  it('keep a cycle (which is also the order once charged) and its notifications in the subscription partition, one per delivery date', () => {
    expect(keys.cycle('s1', '2026-12-01')).toEqual({ pk: 'SUB#s1', sk: 'CYCLE#2026-12-01' });
    expect(keys.notification('s1', '2026-12-01', 'payment-notice', 'sms')).toEqual({ pk: 'SUB#s1', sk: 'NOTIFY#2026-12-01#payment-notice#sms' });
  });

  it('refuse identifiers that could forge another key (the separator)', () => {
    expect(ID_PATTERN.test('shop-1')).toBe(true);
    expect(ID_PATTERN.test('shop#1')).toBe(false);
    expect(ID_PATTERN.test('')).toBe(false);
  });
});

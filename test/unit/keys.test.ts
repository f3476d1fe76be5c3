import { describe, expect, it } from 'vitest';
import { DUE_SHARDS } from '../../system/table.ts';
import { dueIndexKeys, duePartitions, dueShard, ID_PATTERN, keys } from '../../functions/adapters/dynamodb/keys.ts';

describe('the due-work index is sharded', () => {
  it('puts one day of work on every shard, none much above its share', () => {
    const counts = new Array<number>(DUE_SHARDS).fill(0);
    const n = 64_000;
    for (let i = 0; i < n; i += 1) counts[dueShard(`01JD${i.toString(36).padStart(8, '0')}SUB`)]! += 1;
    const share = n / DUE_SHARDS;
    expect(Math.min(...counts)).toBeGreaterThan(share * 0.9);
    expect(Math.max(...counts)).toBeLessThan(share * 1.1);
  });

  it('is stable for an id, so a rerun looks in the same partition', () => {
    expect(dueIndexKeys('NOTICE', '2026-11-29', 'sub-1')).toEqual(dueIndexKeys('NOTICE', '2026-11-29', 'sub-1'));
    expect(dueIndexKeys('NOTICE', '2026-11-29', 'sub-1').duepk).toMatch(/^DUE#NOTICE#2026-11-29#\d+$/);
  });

  it('lists every shard partition of a day for the dispatcher', () => {
    const partitions = duePartitions('CHARGE', '2026-11-29');
    expect(partitions).toHaveLength(DUE_SHARDS);
    expect(new Set(partitions).size).toBe(DUE_SHARDS);
  });
});

describe('keys', () => {
  it('keep a cycle, its notifications and its order in the subscription partition, one per delivery date', () => {
    expect(keys.cycle('s1', '2026-12-01')).toEqual({ pk: 'SUB#s1', sk: 'CYCLE#2026-12-01' });
    expect(keys.notification('s1', '2026-12-01', 'payment-notice', 'sms')).toEqual({ pk: 'SUB#s1', sk: 'NOTIFY#2026-12-01#payment-notice#sms' });
    expect(keys.order('s1', '2026-12-01').pk).toBe('SUB#s1');
  });

  it('refuse identifiers that could forge another key (the separator)', () => {
    expect(ID_PATTERN.test('shop-1')).toBe(true);
    expect(ID_PATTERN.test('shop#1')).toBe(false);
    expect(ID_PATTERN.test('')).toBe(false);
  });
});

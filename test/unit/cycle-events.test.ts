/**
 * Issue 13: the cycle events — one builder per state a shop reacts to, stable ids (a consumer drops a repeat),
 * payloads matching the OpenAPI document's webhooks section, and nothing for the states in between.
 */
import { describe, expect, it } from 'vitest';
import { eventEnvelope } from '../../functions/api/events.docs.ts';
import type { DomainEvent } from '../../functions/adapters/messaging/ports.ts';
import { CYCLE_STATES, scheduledCycle, type Cycle, type CycleState } from '../../functions/domain/cycle.ts';
import { publishCycleEvent } from '../../functions/use-cases/cycle-events.ts';
import type { EventType } from '../../system/events.ts';

const base = scheduledCycle({ id: 'sub-1', shopId: 'shop-a', customerId: 'cust-1' }, '2026-12-10');
const lines = [{ productId: 'beans', quantity: 2, unitPrice: 25_000 }];
const cycleIn = (status: CycleState): Cycle => ({
  ...base,
  status,
  amount: 50_000,
  items: lines,
  ...(status === 'CHARGED' ? { attempts: 1, orderId: 'sub-1-20261210-1', paymentKey: 'pay-1', approvedAt: '2026-12-09T10:00:01+09:00', chargedAt: '2026-12-09T10:00:02+09:00' } : {}),
  ...(status === 'FAILED' ? { attempts: 6, failedAt: '2026-12-12T17:00:01+09:00', lastFailure: { code: 'REJECT_CARD_PAYMENT', message: '잔액 부족', at: '2026-12-12T17:00:01+09:00', attempt: 6 } } : {}),
  ...(status === 'SKIPPED' ? { endReason: 'NOTHING_WANTED' as const } : {}),
});

const EXPECTED: Partial<Record<CycleState, readonly [EventType, string]>> = {
  NOTICED: ['subscription.cycle.noticed', 'sub-1.2026-12-10.noticed'],
  CHARGED: ['subscription.cycle.charged', 'sub-1-20261210-1'],
  FAILED: ['subscription.cycle.failed', 'sub-1.2026-12-10.failed'],
  SKIPPED: ['subscription.cycle.skipped', 'sub-1.2026-12-10.skipped'],
};

describe('publishCycleEvent', () => {
  it.each(CYCLE_STATES)('%s', async (state) => {
    const published: DomainEvent[] = [];
    await publishCycleEvent({ events: { publish: async (event) => void published.push(event) } }, cycleIn(state));
    const expected = EXPECTED[state];
    if (!expected) {
      expect(published).toEqual([]);
      return;
    }
    expect(published.map((event) => [event.type, event.id])).toEqual([expected]);
    const [{ type, shopId, detail }] = published as [DomainEvent];
    expect(detail).toMatchObject({ subscriptionId: 'sub-1', customerId: 'cust-1', deliveryDate: '2026-12-10' });
    const parsed = eventEnvelope(type as EventType).safeParse({ type, timestamp: '2026-12-09T01:00:00Z', shopId, data: detail });
    expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
  });
});

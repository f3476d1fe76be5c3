/**
 * The EventBridge adapter's batched publishing (issue 12: a notice message's events go out together): against
 * the local EventBridge endpoint, which judges a PutEvents request as EventBridge does (1–10 entries, 256 KB).
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../functions/core/clock.ts';
import { eventBridgePublisher } from '../../functions/adapters/messaging/eventbridge.ts';
import type { DomainEvent } from '../../functions/adapters/messaging/ports.ts';
import { startEventBridge } from '../../local/eventbridge.ts';
import type { Listening } from '../../local/net.ts';
import { Outbox } from '../../local/outbox.ts';

const outbox = new Outbox();
let bus: Listening;
let client: EventBridgeClient;
const calls: number[] = [];

beforeAll(async () => {
  bus = await startEventBridge({ host: '127.0.0.1', port: 0, outbox, clock: fixedClock('2026-11-29T00:00:00Z'), buses: ['orders'] });
  client = new EventBridgeClient({ endpoint: bus.url, region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  // Counts the PutEvents calls and the entries of each.
  client.middlewareStack.add((next) => async (args) => {
    calls.push(((args.input as { Entries?: unknown[] }).Entries ?? []).length);
    return next(args);
  }, { step: 'initialize' });
});
afterAll(async () => {
  client.destroy();
  await bus.close();
});

const event = (i: number, detail: Record<string, unknown> = {}): DomainEvent => ({ type: 'subscription.cycle.noticed', id: `sub-${i}.noticed`, shopId: 'shop-1', detail: { subscriptionId: `sub-${i}`, ...detail } });

describe('eventBridgePublisher.publishEach', () => {
  it('puts 23 events in three PutEvents calls of at most ten, every one published once, in order', async () => {
    calls.length = 0;
    const before = outbox.list({ to: 'orders' }).length;
    const results = await eventBridgePublisher('orders', client).publishEach(Array.from({ length: 23 }, (_, i) => event(i)));

    expect(results).toHaveLength(23);
    expect(results.every((result) => result.status === 'fulfilled')).toBe(true);
    expect(calls).toEqual([10, 10, 3]);
    expect(outbox.list({ to: 'orders' }).slice(before).map((item) => JSON.parse(item.body).id)).toEqual(Array.from({ length: 23 }, (_, i) => `sub-${i}.noticed`));
  });

  it('keeps a request under 256 KB, and a call that fails fails only its own events', async () => {
    calls.length = 0;
    // 100 KB each: two fit a request; the oversized one (over 256 KB alone) goes on its own and is refused.
    const big = (i: number) => event(i, { note: 'x'.repeat(100 * 1024) });
    const results = await eventBridgePublisher('orders', client).publishEach([big(1), big(2), big(3), event(4, { note: 'x'.repeat(300 * 1024) }), event(5)]);

    expect(calls).toEqual([2, 1, 1, 1]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
  });

  it('an entry the bus refuses fails only its event (FailedEntryCount), and publish of one throws it', async () => {
    const results = await eventBridgePublisher('no-such-bus', client).publishEach([event(1)]);

    expect(results).toEqual([{ status: 'rejected', reason: new Error('EventBridge refused subscription.cycle.noticed: NotFoundException') }]);
    await expect(eventBridgePublisher('no-such-bus', client).publish(event(1))).rejects.toThrow('NotFoundException');
  });
});

/**
 * Scheduler triggers are at-least-once and runs can overlap: each run fired
 * twice at once (both dispatchers page the same due index, every item is
 * queued twice) still notices once and charges once (S17).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/dates.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, earliestStart, subscribe } from '../support/storefront.ts';

let t: TestSystem;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
});
afterAll(() => t?.stop());

describe('each run twice at once', () => {
  it('sends one notice and takes one payment per subscription', async () => {
    const { shopId, platform } = await activeShop(t);
    await t.call('POST', `/platform/shops/${shopId}/credits`, { token: platform, body: { sms: 10 } });
    const start = await earliestStart(t, shopId);
    const subscriptions = [];
    for (let i = 0; i < 3; i += 1) subscriptions.push(await subscribe(t, await t.token('customer', shopId, `twice-${i}`), shopId));

    // Stand just before the runs, then fire each run twice concurrently, as duplicated Scheduler deliveries would.
    await t.call('POST', '/_local/clock', { body: { now: `${addDays(start, -2)}T07:59:00+09:00` } });
    const fireTwice = async (name: 'noticeRun' | 'chargeRun', scheduledTime: string) => {
      const results = (await Promise.all([t.system.invoke(name, { scheduledTime }), t.system.invoke(name, { scheduledTime })])) as Array<{ due: number }>;
      await t.system.queues.drain();
      return results;
    };
    const notices = await fireTwice('noticeRun', `${addDays(start, -2)}T08:00:00+09:00`);
    expect(notices.map((r) => r.due)).toEqual([3, 3]);
    await t.call('POST', '/_local/clock', { body: { now: `${addDays(start, -1)}T09:59:00+09:00` } });
    await fireTwice('chargeRun', `${addDays(start, -1)}T10:00:00+09:00`);

    const outbox = (await t.call('GET', '/_local/outbox')).body.items as Array<{ channel: string; kind: string }>;
    expect(outbox.filter((item) => item.kind === 'payment-notice' && item.channel === 'mail')).toHaveLength(3);
    expect(outbox.filter((item) => item.kind === 'payment-notice' && item.channel === 'sms')).toHaveLength(3);
    // Events are at-least-once, with the order id as their id so the shop's consumer drops a repeat.
    const events = outbox.filter((item) => item.channel === 'event' && item.kind === 'subscription.cycle.charged') as unknown as Array<{ body: string }>;
    expect(new Set(events.map((event) => JSON.parse(event.body).id)).size).toBe(3);
    for (const subscription of subscriptions) {
      const { body } = await t.call('GET', `/subscriptions/${subscription.id}`, { token: await t.token('customer', shopId, subscription.customerId) });
      expect(body.cycles).toEqual([expect.objectContaining({ deliveryDate: start, status: 'CHARGED', amount: 68_000 })]);
      const orderId = `${subscription.id}-${start.replace(/-/g, '')}-1`;
      expect(t.system.sandboxPg.findPaymentByOrderId(orderId)).toMatchObject({ status: 'DONE', amount: 68_000 });
      // No second attempt was ever made (an attempt's order id ends in its number).
      expect(() => t.system.sandboxPg.findPaymentByOrderId(`${subscription.id}-${start.replace(/-/g, '')}-2`)).toThrow();
    }
  });
});

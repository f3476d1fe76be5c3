/**
 * The daily runs through the real local system, driven only by moving the
 * clock (POST /_local/clock fires every run in between, in order, with its
 * queued work done): one subscription through two cycles — the D-2 notice in
 * the outbox (S17), a partial cancel after it (S18), the D-1 charge of exactly
 * the announced amount, the next cycle's smaller amount.
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

const moveTo = async (now: string) => {
  const response = await t.call('POST', '/_local/clock', { body: { now } });
  expect(response.status).toBe(200);
  expect(response.body.runs.every((run: { ok: boolean }) => run.ok)).toBe(true);
  return response.body.runs as Array<{ functionName: string; result: { due: number } }>;
};

describe('one subscription through two cycles (S17, S18)', () => {
  it('notices, charges the announced amount after a partial cancel, and announces the smaller amount next', async () => {
    const { shopId, platform, admin } = await activeShop(t);
    await t.call('POST', `/platform/shops/${shopId}/credits`, { token: platform, body: { sms: 10, bulkMail: 10 } });
    const buyer = await t.token('customer', shopId, 'two-cycles');
    const start = await earliestStart(t, shopId);
    // beans ×2 at 25,000 and drip ×1 at 18,000, every two weeks.
    const subscription = await subscribe(t, buyer, shopId);
    expect(subscription).toMatchObject({ nextDeliveryDate: start, nextNoticeDate: addDays(start, -2), nextChargeDate: addDays(start, -1) });

    // D-2, after the notice run: the cycle is locked at 68,000 and the notice is out (mail and SMS).
    await moveTo(`${addDays(start, -2)}T09:00:00+09:00`);
    let detail = (await t.call('GET', `/subscriptions/${subscription.id}`, { token: buyer })).body;
    expect(detail.cycles).toEqual([expect.objectContaining({ deliveryDate: start, status: 'NOTICED', amount: 68_000 })]);
    const notices = (await t.call('GET', '/_local/outbox')).body.items.filter((item: { kind: string }) => item.kind === 'payment-notice');
    expect(notices.map((item: { channel: string; to: string }) => `${item.channel}:${item.to}`).sort()).toEqual(['mail:buyer@example.com', 'sms:+821012345678']);
    expect(notices.find((item: { channel: string }) => item.channel === 'mail').body).toContain('68,000원');
    expect((await t.call('GET', '/admin/credits', { token: admin })).body.sms).toBe(9);

    // S18: a partial cancel after the notice applies from the next cycle.
    await t.call('POST', `/subscriptions/${subscription.id}/cancel`, { token: buyer, body: { productIds: ['drip'] } });

    // D-1, after the first charge run: exactly the announced 68,000 is charged; the next delivery is two weeks on.
    await moveTo(`${addDays(start, -1)}T10:30:00+09:00`);
    detail = (await t.call('GET', `/subscriptions/${subscription.id}`, { token: buyer })).body;
    expect(detail.cycles[0]).toMatchObject({ status: 'CHARGED', amount: 68_000 });
    const next = addDays(start, 14);
    expect(detail).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: next, nextNoticeDate: addDays(next, -2), nextChargeDate: addDays(next, -1) });
    const cycleEvents = (await t.call('GET', '/_local/outbox')).body.items.filter((item: { channel: string; kind: string }) => item.channel === 'event' && item.kind.startsWith('subscription.cycle.'));
    expect(cycleEvents.map((item: { kind: string }) => item.kind)).toEqual(['subscription.cycle.noticed', 'subscription.cycle.charged']);
    const charged = cycleEvents.filter((item: { kind: string }) => item.kind === 'subscription.cycle.charged');
    expect(JSON.parse(charged[0].body)).toMatchObject({ shopId, amount: 68_000 });

    // The next cycle announces only what is left: beans ×2 = 50,000, and charges it.
    await moveTo(`${addDays(next, -1)}T10:30:00+09:00`);
    detail = (await t.call('GET', `/subscriptions/${subscription.id}`, { token: buyer })).body;
    expect(detail.cycles.map((cycle: { deliveryDate: string; status: string; amount: number }) => [cycle.deliveryDate, cycle.status, cycle.amount])).toEqual([
      [start, 'CHARGED', 68_000],
      [next, 'CHARGED', 50_000],
    ]);
    const secondNotice = (await t.call('GET', '/_local/outbox?to=buyer@example.com')).body.items.filter((item: { kind: string }) => item.kind === 'payment-notice');
    expect(secondNotice).toHaveLength(2);
    expect(secondNotice[1].body).toContain('50,000원');
  });
});

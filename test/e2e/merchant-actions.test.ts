/**
 * The merchant's actions on a buyer's subscription, through the real local HTTP server (issue 13):
 * - POST /admin/subscriptions/{id}/cancel: the buyer's own rules (S18, S19) on the shop's side, the buyer
 *   mailed once, the cancelled event with reason `merchant`, another shop's subscription 404;
 * - POST /admin/subscriptions/{id}/cycles/{deliveryDate}/retry: a FAILED cycle charged once more — a decline
 *   leaves it FAILED with the reason, two retries at once capture once at the sandbox PG, anything but FAILED 409;
 * - the cycle events of the runs (noticed, failed, skipped, charged) on the bus, each under its stable id and
 *   matching its schema in the OpenAPI document's webhooks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/dates.ts';
import { eventEnvelope } from '../../functions/api/events.docs.ts';
import { processCharge } from '../../functions/use-cases/runs/charge.ts';
import { processNotice } from '../../functions/use-cases/runs/notice.ts';
import { DECLINE } from '../../local/sandbox-pg.ts';
import { LOCAL_EVENT_BUS_NAME } from '../../local/system.ts';
import type { EventType } from '../../system/events.ts';
import { bootCharging, capturesOf, CARDS, chargeDeps, chargeItem, noticedSubscription, testClock, type Harness } from '../integration/charge-harness.ts';
import { noticeItem } from '../support/notice-fixtures.ts';
import { activeShop, subscribe } from '../support/storefront.ts';

let h: Harness;
let shopId: string;
let admin: string;
beforeAll(async () => {
  h = await bootCharging();
  ({ shopId, admin } = await activeShop(h.t));
});
afterAll(() => h?.t.stop());

const call = (method: string, path: string, body?: unknown, token = admin) => h.t.call(method, path, { token, ...(body !== undefined ? { body } : {}) });
const outbox = async (to: string) => (await h.t.call('GET', `/_local/outbox?to=${encodeURIComponent(to)}`)).body.items as Array<{ kind: string; subject?: string; body: string }>;
const eventsOf = async (subscriptionId: string) =>
  (await outbox(LOCAL_EVENT_BUS_NAME))
    .map((item) => ({ type: item.kind as EventType, ...JSON.parse(item.body) }) as { type: EventType; id: string; shopId: string; subscriptionId: string } & Record<string, unknown>)
    .filter((event) => event.subscriptionId === subscriptionId);
/** The charge worker's deps on the local bus and mail (the runs' real adapters), at a test clock. */
const runDeps = () => chargeDeps(h, { clock: testClock(new Date()), events: h.deps.events, mailer: h.deps.mailer });

describe('POST /admin/subscriptions/{id}/cancel (on the buyer\'s behalf)', () => {
  it('cancels the whole subscription with the buyer\'s rules, mails the buyer once, and says reason merchant', async () => {
    const n = await noticedSubscription(h, shopId);
    const first = await call('POST', `/admin/subscriptions/${n.subscription.id}/cancel`, {});
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'MERCHANT_REQUEST', cycles: [expect.objectContaining({ deliveryDate: n.cycle.deliveryDate, status: 'SKIPPED' })] });
    const again = await call('POST', `/admin/subscriptions/${n.subscription.id}/cancel`, {});
    expect(again.body.status).toBe('CANCELLED');
    const mails = await outbox(n.email);
    expect(mails.filter((mail) => mail.kind === 'merchant-cancel')).toEqual([
      expect.objectContaining({ subject: expect.stringContaining('정기배송을 해지했습니다'), body: expect.stringContaining(`${n.cycle.deliveryDate} 배송분은 결제되지 않습니다`) }),
    ]);
    const events = await eventsOf(n.subscription.id);
    expect(events.filter((e) => e.type === 'subscription.cancelled').map((e) => [e.id, e.reason])).toEqual([[`${n.subscription.id}.cancelled`, 'merchant'], [`${n.subscription.id}.cancelled`, 'merchant']]);
    // S19: the announced cycle is not charged, and its skipped event says so.
    expect(events.filter((e) => e.type === 'subscription.cycle.skipped')).toEqual([expect.objectContaining({ id: `${n.subscription.id}.${n.cycle.deliveryDate}.skipped`, reason: 'NOTHING_WANTED' })]);
  });

  it('S18 after the notice: a partial cancel applies from the next cycle, and the mail says the announced delivery is charged as announced', async () => {
    const n = await noticedSubscription(h, shopId);
    const response = await call('POST', `/admin/subscriptions/${n.subscription.id}/cancel`, { productIds: ['drip'] });
    expect(response.body).toMatchObject({ status: 'ACTIVE', items: [{ productId: 'beans', status: 'ACTIVE' }, { productId: 'drip', status: 'CANCELLED' }], cycles: [expect.objectContaining({ status: 'NOTICED', amount: 68_000 })] });
    const [mail] = (await outbox(n.email)).filter((m) => m.kind === 'merchant-cancel');
    expect(mail).toMatchObject({ subject: expect.stringContaining('일부 해지'), body: expect.stringContaining('Drip bags 30') });
    expect(mail!.body).toContain(`${n.cycle.deliveryDate} 배송분은 안내된 금액대로 결제`);
  });

  it.each([
    ['another shop\'s subscription', 'other-shop-admin', {}, 404, 'NOT_FOUND'],
    ['a product not in the subscription', 'own', { productIds: ['mug'] }, 422, 'PRODUCT_NOT_IN_SUBSCRIPTION'],
    ['a buyer\'s token', 'customer', {}, 403, 'FORBIDDEN'],
  ] as const)('%s → %i %s', async (_case, who, body, status, code) => {
    const n = await noticedSubscription(h, shopId);
    const token = who === 'own' ? admin : who === 'customer' ? n.buyer : await h.t.token('admin', 'other-shop', 'owner');
    expect(await call('POST', `/admin/subscriptions/${n.subscription.id}/cancel`, body, token)).toMatchObject({ status, body: { error: { code } } });
    expect((await h.subscriptions.get(n.subscription.id))?.status).toBe('ACTIVE');
  });
});

describe('PATCH /admin/subscriptions/{id} (a change on the buyer\'s behalf)', () => {
  it('S18 after the notice: the announced cycle keeps its lines, the change applies next; the history names the admin; the buyer is mailed once', async () => {
    const n = await noticedSubscription(h, shopId);
    const patch = { items: [{ productId: 'beans', quantity: 3 }, { productId: 'drip', quantity: 1 }] };
    const response = await call('PATCH', `/admin/subscriptions/${n.subscription.id}`, patch);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ACTIVE', items: [{ productId: 'beans', quantity: 3, status: 'ACTIVE' }, { productId: 'drip', quantity: 1, status: 'ACTIVE' }] });
    expect(response.body.cycles.find((cycle: { deliveryDate: string }) => cycle.deliveryDate === n.cycle.deliveryDate)).toMatchObject({ status: 'NOTICED', amount: 68_000 });
    expect(response.body.history.at(-1)).toMatchObject({ by: { role: 'admin' }, action: expect.stringMatching(/chang/i) });
    // The same change again changes nothing and mails nothing more.
    expect((await call('PATCH', `/admin/subscriptions/${n.subscription.id}`, patch)).status).toBe(200);
    const mails = (await outbox(n.email)).filter((mail) => mail.kind === 'merchant-change');
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body).toMatch(/2개 → 3개/);
    expect(mails[0]!.body).toContain(`${addDays(n.cycle.deliveryDate, 14)} 배송분부터`);
  });

  it.each([
    ['another shop\'s subscription', 'other-shop-admin', { cycle: '1m' }, 404, 'NOT_FOUND'],
    ['a cycle the products do not offer (the buyer\'s rule and code)', 'own', { cycle: '6m' }, 422, 'CYCLE_NOT_OFFERED'],
    ['a buyer\'s token', 'customer', { cycle: '1m' }, 403, 'FORBIDDEN'],
  ] as const)('%s → %i %s, nothing changed, nothing mailed', async (_case, who, body, status, code) => {
    const n = await noticedSubscription(h, shopId);
    const token = who === 'own' ? admin : who === 'customer' ? n.buyer : await h.t.token('admin', 'other-shop', 'owner');
    expect(await call('PATCH', `/admin/subscriptions/${n.subscription.id}`, body, token)).toMatchObject({ status, body: { error: { code } } });
    expect((await h.subscriptions.get(n.subscription.id))?.cycle).toBe(n.subscription.cycle);
    expect((await outbox(n.email)).filter((mail) => mail.kind === 'merchant-change')).toEqual([]);
  });
});

describe('the cycle events of the runs, and POST …/cycles/{deliveryDate}/retry', () => {
  it('noticed → failed (a declined card to the end of the window) → retry declined stays FAILED → new card → two retries at once capture once → charged', async () => {
    // The notice run: noticed.
    const buyer = await h.t.token('customer', shopId, 'retry-buyer');
    const active = await subscribe(h.t, buyer, shopId, CARDS.declines, { contact: { email: 'retry-buyer@example.com', phone: '010-3333-4444' } });
    const noticed = await processNotice({ ...h.deps, events: h.deps.events }, noticeItem(active));
    expect(noticed).toMatchObject({ status: 'noticed', amount: 68_000 });
    const ref = `/admin/subscriptions/${active.id}/cycles/${active.nextDeliveryDate}`;
    const cycle = (await h.cycles.get({ subscriptionId: active.id, deliveryDate: active.nextDeliveryDate }))!;

    // Not FAILED yet: a retry is refused and changes nothing.
    expect(await call('POST', `${ref}/retry`)).toMatchObject({ status: 409, body: { error: { code: 'CYCLE_NOT_FAILED' } } });

    // The last charge run of the window declines it for good: failed.
    expect(await processCharge(runDeps(), chargeItem(cycle, '17:00', addDays(cycle.chargeDate, 3)))).toMatchObject({ result: 'failed' });

    // A retry with the same declining card: declined, still FAILED, with the PG's reason; one more attempt.
    const declined = await call('POST', `${ref}/retry`);
    expect(declined).toMatchObject({ status: 200, body: { outcome: 'DECLINED', cycle: { status: 'FAILED', attempts: 2, lastFailure: { code: DECLINE.code } } } });
    expect(capturesOf(h, cycle)).toEqual([]);

    // The buyer registers a card that pays (S10: it replaces the key everywhere); the shop retries twice at once.
    await subscribe(h.t, buyer, shopId, CARDS.succeeds, { contact: { email: 'retry-buyer@example.com', phone: '010-3333-4444' } });
    const both = await Promise.all([call('POST', `${ref}/retry`), call('POST', `${ref}/retry`)]);
    const charged = both.filter((answer) => answer.status === 200);
    expect(charged).toEqual([expect.objectContaining({ body: expect.objectContaining({ outcome: 'CHARGED', cycle: expect.objectContaining({ status: 'CHARGED', attempts: 3 }) }) })]);
    const loser = both.find((answer) => answer.status !== 200)!;
    expect(loser).toMatchObject({ status: 409 });
    expect(['CHARGE_IN_PROGRESS', 'CYCLE_NOT_FAILED']).toContain(loser.body.error.code);
    expect(capturesOf(h, cycle)).toEqual([{ orderId: `${active.id}-${active.nextDeliveryDate.replaceAll('-', '')}-3`, amount: 68_000 }]);
    expect(await call('POST', `${ref}/retry`)).toMatchObject({ status: 409, body: { error: { code: 'CYCLE_NOT_FAILED' } } });

    // Each step's event once per id, each matching the webhooks section of the OpenAPI document.
    const events = (await eventsOf(active.id)).filter((e) => e.type.startsWith('subscription.cycle.'));
    expect([...new Map(events.map((e) => [e.id, e.type])).entries()]).toEqual([
      [`${active.id}.${cycle.deliveryDate}.noticed`, 'subscription.cycle.noticed'],
      [`${active.id}.${cycle.deliveryDate}.failed`, 'subscription.cycle.failed'],
      [`${active.id}-${cycle.deliveryDate.replaceAll('-', '')}-3`, 'subscription.cycle.charged'],
    ]);
    expect(events.find((e) => e.type === 'subscription.cycle.failed')).toMatchObject({ code: DECLINE.code, amount: 68_000, attempts: 1 });
    for (const { type, id: _id, shopId: shop, ...data } of events) {
      const parsed = eventEnvelope(type).safeParse({ type, timestamp: new Date().toISOString(), shopId: shop, data });
      expect(parsed.success, `${type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });

  it("an unknown outcome (the PG took the money, the answer was lost) stays CHARGING for the next charge run, which looks the order up: one capture", async () => {
    const n = await noticedSubscription(h, shopId, { card: CARDS.declines });
    expect(await processCharge(runDeps(), chargeItem(n.cycle, '17:00', addDays(n.cycle.chargeDate, 3)))).toMatchObject({ result: 'failed' });
    // The buyer's new card times out on its first charge after the PG captured it.
    await subscribe(h.t, n.buyer, shopId, CARDS.timesOutAfterCapture, { contact: { email: n.email, phone: '010-2222-3333' } });
    const ref = `/admin/subscriptions/${n.subscription.id}/cycles/${n.cycle.deliveryDate}`;
    expect(await call('POST', `${ref}/retry`)).toMatchObject({ status: 200, body: { outcome: 'PENDING', cycle: { chargeProgress: 'CHARGING', attempts: 2 } } });
    expect(await call('POST', `${ref}/retry`)).toMatchObject({ status: 409, body: { error: { code: 'CHARGE_IN_PROGRESS' } } });
    // The next charge run, past the attempt's lease: it looks the order id up and records the payment.
    const claimed = (await h.cycles.get({ subscriptionId: n.subscription.id, deliveryDate: n.cycle.deliveryDate }))!;
    const deps = chargeDeps(h, { clock: testClock(new Date(Date.parse(claimed.chargingSince!) + 60 * 60 * 1000)), events: h.deps.events, mailer: h.deps.mailer });
    const nextRun = new Date(claimed.nextAttemptAt!);
    expect(await processCharge(deps, { date: claimed.nextAttemptAt!.slice(0, 10), scheduledTime: nextRun.toISOString(), shopId, ref: { subscriptionId: n.subscription.id, deliveryDate: n.cycle.deliveryDate }, messageId: 'after-retry' })).toMatchObject({ result: 'completed' });
    expect(await h.cycles.get({ subscriptionId: n.subscription.id, deliveryDate: n.cycle.deliveryDate })).toMatchObject({ status: 'CHARGED', attempts: 2 });
    expect(capturesOf(h, n.cycle)).toEqual([{ orderId: `${n.subscription.id}-${n.cycle.deliveryDate.replaceAll('-', '')}-2`, amount: 68_000 }]);
  });

  it.each([
    ['another shop', 'other', 404, 'NOT_FOUND'],
    ['a delivery date with no cycle', 'no-cycle', 404, 'NOT_FOUND'],
    ['a malformed date', 'bad-date', 400, 'VALIDATION_FAILED'],
  ] as const)('%s → %i %s', async (_case, what, status, code) => {
    const n = await noticedSubscription(h, shopId);
    const date = what === 'no-cycle' ? '2030-01-01' : what === 'bad-date' ? '2030-13-01' : n.cycle.deliveryDate;
    const token = what === 'other' ? await h.t.token('admin', 'other-shop', 'owner') : admin;
    expect(await call('POST', `/admin/subscriptions/${n.subscription.id}/cycles/${date}/retry`, undefined, token)).toMatchObject({ status, body: { error: { code } } });
  });
});

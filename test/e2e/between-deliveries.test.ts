/**
 * Issue 13, the buyer between deliveries, through the real local system: skip
 * (before and after the notice, S19), pause across a notice date and the
 * automatic resume by the maintenance run (the test clock runs every daily
 * run), resume, PATCH under the seed rules and after the notice (S18), card
 * change (S10: one live key at the PG), the history and the events.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, seoulDate } from '../../functions/core/dates.ts';
import { customerKeyFor } from '../../functions/use-cases/storefront-deps.ts';
import { EVENT_DATA } from '../../functions/api/events.docs.ts';
import { noticed } from '../support/cycles.ts';
import { transition } from '../../functions/domain/cycle.ts';
import { dueOn } from '../support/run-deps.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, authorize, earliestStart, signUpBody, subscribe } from '../support/storefront.ts';
import { runDeps } from '../support/run-deps.ts';

let t: TestSystem;
let deps: typeof import('../../functions/wiring.ts')['deps'];
let shop: Awaited<ReturnType<typeof activeShop>>;
let n = 0;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  ({ deps } = await import('../../functions/wiring.ts'));
  // One shop for the file (every clock move runs the daily runs for every shop): a new buyer per test.
  shop = await activeShop(t);
  await t.call('POST', `/platform/shops/${shop.shopId}/credits`, { token: shop.platform, body: { sms: 100, bulkMail: 100 } });
});
afterAll(() => t?.stop());

const now = async () => (await t.call('GET', '/_local/clock')).body.now as string;
const moveTo = async (at: string) => {
  const response = await t.call('POST', '/_local/clock', { body: { now: at } });
  expect(response.status).toBe(200);
  expect(response.body.runs.every((run: { ok: boolean }) => run.ok)).toBe(true);
};
const detail = async (buyer: string, id: string) => (await t.call('GET', `/subscriptions/${id}`, { token: buyer })).body;
/** The events of a type the system published, each checked against its documented schema (the OpenAPI webhooks section). */
const outbox = async (kind: 'subscription.paused' | 'subscription.resumed' | 'subscription.changed') => {
  const items = (await t.call('GET', '/_local/outbox')).body.items.filter((item: { kind: string }) => item.kind === kind);
  for (const item of items) EVENT_DATA[kind].parse(JSON.parse(item.body));
  return items;
};
const noticesTo = async (email: string) => (await t.call('GET', `/_local/outbox?to=${email}`)).body.items.filter((item: { kind: string }) => item.kind === 'payment-notice');

/** A new buyer with one active subscription: beans ×2 + drip ×1 every 2 weeks (68,000), or `weekly`: drip ×1 every week (18,000). */
async function buyerWithSubscription(options: { weekly?: boolean } = {}) {
  const { shopId, admin } = shop;
  n += 1;
  const customerId = `between-${n}`;
  const email = `${customerId}@example.com`;
  const buyer = await t.token('customer', shopId, customerId);
  const weekly = options.weekly ? { items: [{ productId: 'drip', quantity: 1 }], cycle: '1w' } : {};
  const active = await subscribe(t, buyer, shopId, '9410-0000-0000-0001', { contact: { email, phone: '010-1234-5678' }, ...weekly });
  return { shopId, admin, buyer, customerId, email, active };
}

describe('skip', () => {
  it('before the notice: the cycle is SKIPPED, nothing is announced or charged, the subscription moves on', async () => {
    const { buyer, email, active } = await buyerWithSubscription();
    const start = active.nextDeliveryDate as string;
    const skipped = await t.call('POST', `/subscriptions/${active.id}/skip`, { token: buyer, body: { deliveryDate: start }, headers: { 'idempotency-key': `skip-${active.id}` } });
    expect(skipped.status).toBe(200);
    expect(skipped.body).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: addDays(start, 14), nextNoticeDate: addDays(start, 12) });
    expect(skipped.body.cycles).toEqual([expect.objectContaining({ deliveryDate: start, status: 'SKIPPED' })]);
    expect(skipped.body.history).toEqual([expect.objectContaining({ action: 'skip', by: { role: 'customer', id: expect.any(String) }, details: expect.objectContaining({ deliveryDate: start, afterNotice: false }) })]);
    // The same skip again: with the same Idempotency-Key the first answer itself; without one, the same state.
    const replay = await t.call('POST', `/subscriptions/${active.id}/skip`, { token: buyer, body: { deliveryDate: start }, headers: { 'idempotency-key': `skip-${active.id}` } });
    expect(replay.body).toEqual(skipped.body);
    expect((await t.call('POST', `/subscriptions/${active.id}/skip`, { token: buyer, body: { deliveryDate: start } })).body.nextDeliveryDate).toBe(addDays(start, 14));

    await moveTo(`${addDays(start, -1)}T18:00:00+09:00`);
    expect(await noticesTo(email)).toEqual([]);
    const after = await detail(buyer, active.id);
    expect(after.cycles.map((cycle: { deliveryDate: string; status: string }) => [cycle.deliveryDate, cycle.status])).toEqual([[start, 'SKIPPED']]);
    expect(after.nextDeliveryDate).toBe(addDays(start, 14));
  });

  it('after the notice (S19): the announced cycle is not charged, out of the charge index', async () => {
    const { buyer, active } = await buyerWithSubscription();
    const cycle = await noticed(deps.cycles, active, undefined, addDays(active.nextDeliveryDate, 14));
    const skipped = await t.call('POST', `/subscriptions/${active.id}/skip`, { token: buyer, body: { deliveryDate: cycle.deliveryDate } });
    expect(skipped.status).toBe(200);
    expect(skipped.body.cycles).toEqual([expect.objectContaining({ deliveryDate: cycle.deliveryDate, status: 'SKIPPED', amount: 68_000 })]);
    expect(skipped.body.nextDeliveryDate).toBe(addDays(cycle.deliveryDate, 14));
    expect(await dueOn(deps, 'CHARGE', cycle.chargeDate)).not.toContain(`${active.id}|${cycle.deliveryDate}`);
  });

  let refused: Awaited<ReturnType<typeof buyerWithSubscription>>;
  it.each([
    ['a date that is not the next delivery', (next: string) => addDays(next, 1), 422, 'DELIVERY_NOT_UPCOMING'],
    ['a later delivery (skip the next first)', (next: string) => addDays(next, 14), 422, 'DELIVERY_NOT_UPCOMING'],
  ])('refuses %s', async (_case, date, status, code) => {
    refused ??= await buyerWithSubscription();
    const { buyer, active } = refused;
    const response = await t.call('POST', `/subscriptions/${active.id}/skip`, { token: buyer, body: { deliveryDate: date(active.nextDeliveryDate) } });
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
  });

  it("refuses another buyer's subscription (404), a charge under way (409) and a bad date (400)", async () => {
    const { shopId, buyer, active } = await buyerWithSubscription();
    const stranger = await t.token('customer', shopId, 'stranger');
    expect((await t.call('POST', `/subscriptions/${active.id}/skip`, { token: stranger, body: { deliveryDate: active.nextDeliveryDate } })).status).toBe(404);
    expect((await t.call('POST', `/subscriptions/${active.id}/skip`, { token: buyer, body: { deliveryDate: 'soon' } })).status).toBe(400);
    const cycle = await noticed(deps.cycles, active);
    // The charge run took it (and charged it) first.
    expect(await deps.cycles.write({ ...cycle, status: 'CHARGED' }, { status: 'NOTICED' })).toBe(true);
    const response = await t.call('POST', `/subscriptions/${active.id}/skip`, { token: buyer, body: { deliveryDate: cycle.deliveryDate } });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('DELIVERY_ALREADY_CHARGED');
  });
});

describe('pause and resume', () => {
  it('a pause across a notice date is not noticed nor charged; with cycles it resumes by itself in time for its notice', async () => {
    const { admin, buyer, email, active } = await buyerWithSubscription({ weekly: true });
    const start = active.nextDeliveryDate as string;
    const countBefore = (await t.call('GET', '/admin/service', { token: admin })).body.stats.activeSubscriptions;
    const paused = await t.call('POST', `/subscriptions/${active.id}/pause`, { token: buyer, body: { cycles: 1 } });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ status: 'PAUSED', nextDeliveryDate: null, pause: { cycles: 1, resumesOn: addDays(start, 7) } });
    expect((await t.call('GET', '/admin/service', { token: admin })).body.stats.activeSubscriptions).toBe(countBefore - 1);
    const events = (await outbox('subscription.paused')).map((item: { body: string }) => JSON.parse(item.body));
    expect(events).toContainEqual(expect.objectContaining({ subscriptionId: active.id, cycles: 1, by: 'buyer' }));

    // The notice run of the paused delivery, and its charge run: nothing for this buyer.
    await moveTo(`${addDays(start, -1)}T18:00:00+09:00`);
    expect(await noticesTo(email)).toEqual([]);
    expect((await detail(buyer, active.id)).cycles).toEqual([]);

    // The maintenance run resumes it when its first delivery back comes within the window; that delivery is noticed on its date.
    await moveTo(`${addDays(start, 5)}T09:00:00+09:00`);
    const resumed = await detail(buyer, active.id);
    expect(resumed).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: addDays(start, 7) });
    expect(resumed.cycles).toEqual([expect.objectContaining({ deliveryDate: addDays(start, 7), status: 'NOTICED', amount: 18_000 })]);
    expect(resumed.history.map((entry: { action: string; by: { role: string } }) => `${entry.action}:${entry.by.role}`)).toEqual(['pause:customer', 'resume:system']);
    expect(await noticesTo(email)).toHaveLength(1);
    expect((await t.call('GET', '/admin/service', { token: admin })).body.stats.activeSubscriptions).toBe(countBefore);
    expect((await outbox('subscription.resumed')).map((item: { body: string }) => JSON.parse(item.body))).toContainEqual(expect.objectContaining({ subscriptionId: active.id, nextDeliveryDate: addDays(start, 7) }));
  });

  it('a pause after the notice skips the announced delivery (S19: nothing is charged while paused)', async () => {
    const { buyer, active } = await buyerWithSubscription();
    const cycle = await noticed(deps.cycles, active, undefined, addDays(active.nextDeliveryDate, 14));
    const paused = await t.call('POST', `/subscriptions/${active.id}/pause`, { token: buyer, body: { until: addDays(cycle.deliveryDate, 20) } });
    expect(paused.body).toMatchObject({ status: 'PAUSED', pause: { until: addDays(cycle.deliveryDate, 20), resumesOn: addDays(cycle.deliveryDate, 28) } });
    expect(paused.body.cycles).toEqual([expect.objectContaining({ deliveryDate: cycle.deliveryDate, status: 'SKIPPED', amount: 68_000 })]);
    expect(await dueOn(deps, 'CHARGE', cycle.chargeDate)).not.toContain(`${active.id}|${cycle.deliveryDate}`);
    // The following delivery's plan is dropped too: nothing is noticed while paused.
    expect(await dueOn(deps, 'NOTICE', addDays(cycle.deliveryDate, 12))).not.toContain(`${active.id}|${addDays(cycle.deliveryDate, 14)}`);
  });

  it('resume by hand picks the next delivery on the anchor at least the minimum window away; refusals', async () => {
    const { buyer, active } = await buyerWithSubscription();
    const start = active.nextDeliveryDate as string;
    expect((await t.call('POST', `/subscriptions/${active.id}/resume`, { token: buyer })).body.error.code).toBe('SUBSCRIPTION_NOT_PAUSED');
    const refused = await t.call('POST', `/subscriptions/${active.id}/pause`, { token: buyer, body: { until: start } });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'PAUSE_UNTIL_OUT_OF_RANGE']);
    expect((await t.call('POST', `/subscriptions/${active.id}/pause`, { token: buyer, body: { until: addDays(start, 20), cycles: 2 } })).status).toBe(400);
    expect((await t.call('POST', `/subscriptions/${active.id}/pause`, { token: buyer, body: {} })).body.status).toBe('PAUSED');
    expect((await t.call('POST', `/subscriptions/${active.id}/pause`, { token: buyer, body: {} })).body.error.code).toBe('SUBSCRIPTION_ALREADY_PAUSED');
    expect((await t.call('POST', `/subscriptions/${active.id}/skip`, { token: buyer, body: { deliveryDate: start } })).body.error.code).toBe('SUBSCRIPTION_PAUSED');

    // The day after the start date (its notice date is past), the buyer resumes.
    await moveTo(`${addDays(start, 1)}T12:00:00+09:00`);
    const today = seoulDate(new Date(await now()));
    const resumed = await t.call('POST', `/subscriptions/${active.id}/resume`, { token: buyer, headers: { 'idempotency-key': `resume-${active.id}` } });
    expect(resumed.status).toBe(200);
    // On the two-week rhythm of the start date: start+14 is the first at least three days (the window) ahead.
    expect(resumed.body).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: addDays(start, 14), nextNoticeDate: addDays(start, 12) });
    expect(resumed.body.nextNoticeDate > today).toBe(true);
    expect(resumed.body.history.map((entry: { action: string }) => entry.action)).toEqual(['pause', 'resume']);
  });
});

describe('PATCH /subscriptions/{id}', () => {
  let patchRefused: Awaited<ReturnType<typeof buyerWithSubscription>>;
  it.each([
    ['a 1+N event product (S14)', { items: [{ productId: 'event', quantity: 1 }] }, 422, 'PRODUCT_NOT_SUBSCRIBABLE'],
    ['a product not on subscription (S13)', { items: [{ productId: 'mug', quantity: 1 }] }, 422, 'PRODUCT_NOT_SUBSCRIBABLE'],
    ['an unknown product', { items: [{ productId: 'ghost', quantity: 1 }] }, 422, 'PRODUCT_NOT_SUBSCRIBABLE'],
    ['a cycle a product does not offer', { cycle: '1w' }, 422, 'CYCLE_NOT_OFFERED'],
    ['a date before the window', { nextDeliveryDate: '2000-01-01' }, 422, 'DELIVERY_DATE_OUT_OF_RANGE'],
    ['a date beyond the window', { nextDeliveryDate: '2999-01-01' }, 422, 'DELIVERY_DATE_OUT_OF_RANGE'],
    ['nothing to change', {}, 400, 'VALIDATION_FAILED'],
    ['a product listed twice', { items: [{ productId: 'beans', quantity: 1 }, { productId: 'beans', quantity: 2 }] }, 400, 'VALIDATION_FAILED'],
  ])('refuses %s', async (_case, body, status, code) => {
    patchRefused ??= await buyerWithSubscription();
    const { buyer, active } = patchRefused;
    const response = await t.call('PATCH', `/subscriptions/${active.id}`, { token: buyer, body });
    expect([response.status, response.body.error.code]).toEqual([status, code]);
    expect((await detail(buyer, active.id)).history).toEqual([]);
  });

  it('before the notice: cycle, items, address and date change at once, recorded with the event', async () => {
    const { buyer, active } = await buyerWithSubscription();
    const moved = addDays(active.nextDeliveryDate, 2);
    const address = { recipient: '박서준', phone: '010-9876-5432', postalCode: '06236', address1: '서울특별시 강남구 테헤란로 152' };
    const response = await t.call('PATCH', `/subscriptions/${active.id}`, { token: buyer, body: { cycle: '1m', items: [{ productId: 'drip', quantity: 3 }], shippingAddress: address, nextDeliveryDate: moved } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ cycle: '1m', nextDeliveryDate: moved, nextNoticeDate: addDays(moved, -2), shippingAddress: { recipient: '박서준', phone: '01098765432' } });
    expect(response.body.items).toEqual([{ productId: 'beans', quantity: 2, status: 'CANCELLED' }, { productId: 'drip', quantity: 3, status: 'ACTIVE' }]);
    expect(response.body.history).toEqual([expect.objectContaining({ action: 'change', details: expect.objectContaining({ cycle: { from: '2w', to: '1m' }, nextDeliveryDate: { from: active.nextDeliveryDate, to: moved } }) })]);
    // The old date's plan is gone, the new one's is due for its notice.
    expect(await dueOn(deps, 'NOTICE', addDays(active.nextDeliveryDate, -2))).not.toContain(`${active.id}|${active.nextDeliveryDate}`);
    expect(await dueOn(deps, 'NOTICE', addDays(moved, -2))).toContain(`${active.id}|${moved}`);
    const changed = (await outbox('subscription.changed')).map((item: { body: string }) => JSON.parse(item.body)).filter((event: { subscriptionId: string }) => event.subscriptionId === active.id);
    expect(changed).toEqual([expect.objectContaining({ by: 'buyer', changes: expect.objectContaining({ cycle: { from: '2w', to: '1m' } }) })]);
    // A date change after the notice is refused.
    await noticed(deps.cycles, { id: active.id, nextDeliveryDate: moved });
    const late = await t.call('PATCH', `/subscriptions/${active.id}`, { token: buyer, body: { nextDeliveryDate: addDays(moved, 1) } });
    expect([late.status, late.body.error.code]).toEqual([409, 'DELIVERY_ALREADY_NOTICED']);
  });

  it('after the notice (S18): the announced amount is charged, the change applies from the next cycle', async () => {
    const { buyer, email, active } = await buyerWithSubscription({ weekly: true });
    const start = active.nextDeliveryDate as string;
    await moveTo(`${addDays(start, -2)}T09:00:00+09:00`);
    const patched = await t.call('PATCH', `/subscriptions/${active.id}`, { token: buyer, body: { items: [{ productId: 'drip', quantity: 2 }] } });
    expect(patched.status).toBe(200);
    expect(patched.body.cycles).toEqual([expect.objectContaining({ deliveryDate: start, status: 'NOTICED', amount: 18_000 })]);
    expect(patched.body.history[0].details.effectiveFrom).toBe(addDays(start, 7));
    await moveTo(`${addDays(start, 5)}T09:00:00+09:00`);
    const after = await detail(buyer, active.id);
    expect(after.cycles.map((cycle: { status: string; amount: number }) => [cycle.status, cycle.amount])).toEqual([['CHARGED', 18_000], ['NOTICED', 36_000]]);
    expect((await noticesTo(email)).at(-1).body).toContain('36,000원');
  });
});

describe('card change (S10)', () => {
  it('the new card replaces the old on every subscription of the buyer; the old key is deleted at the PG', async () => {
    const { shopId, buyer, customerId, active } = await buyerWithSubscription();
    const second = await subscribe(t, buyer, shopId);
    const customerKey = customerKeyFor(shopId, customerId);
    const keysAtPg = async () => (await t.call('GET', `/_local/sandbox-pg/billing-keys?customerKey=${customerKey}`)).body.items as Array<{ billingKey: string }>;
    const before = await keysAtPg();
    expect(before).toHaveLength(1);

    const opened = await t.call('POST', `/subscriptions/${active.id}/card`, { token: buyer, headers: { 'idempotency-key': `card-${active.id}` } });
    expect(opened.status).toBe(200);
    expect(opened.body.registration).toMatchObject({ gateway: 'tosspayments' });
    const authKey = await authorize(t, active.id, { cardNumber: '9410-0000-0000-0004' });
    const checkout = await t.call('POST', `/subscriptions/${active.id}/checkout`, { token: buyer, body: { authKey } });
    expect(checkout.status).toBe(200);
    expect(checkout.body).toMatchObject({ status: 'ACTIVE', card: { last4: '0004' } });

    const after = await keysAtPg();
    expect(after).toHaveLength(1);
    expect(after[0]!.billingKey).not.toBe(before[0]!.billingKey);
    expect((await detail(buyer, second.id)).card.last4).toBe('0004');
    expect((await t.call('GET', '/me/card', { token: buyer })).body.last4).toBe('0004');
    expect((await detail(buyer, active.id)).history).toEqual([expect.objectContaining({ action: 'card', details: { issuer: expect.any(String), last4: '0004' } })]);
    // The checkout again (a retry): the same answer, no new key.
    expect((await t.call('POST', `/subscriptions/${active.id}/checkout`, { token: buyer, body: { authKey } })).body.card.last4).toBe('0004');
    expect(await keysAtPg()).toHaveLength(1);
  });
});

describe('the maintenance run repairs what a crash left (issue 13, the two stalls)', () => {
  it('a subscription left on a delivery that is over (a skip that died between its two writes) is moved on', async () => {
    const { buyer, active } = await buyerWithSubscription();
    const following = addDays(active.nextDeliveryDate, 14);
    const cycle = await noticed(deps.cycles, active, undefined, following);
    // The skip's first write (the cycle) landed; the process died before the subscription's.
    const skipped = transition(cycle, { type: 'skip', reason: 'SKIPPED_BY_BUYER' });
    expect(skipped.ok && (await deps.cycles.write(skipped.next, skipped.expect))).toBe(true);
    expect((await detail(buyer, active.id)).nextDeliveryDate).toBe(cycle.deliveryDate);
    await moveTo(`${addDays(cycle.deliveryDate, -1)}T04:30:00+09:00`);
    expect(await detail(buyer, active.id)).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: following, nextNoticeDate: addDays(following, -2) });
  });

  it('a crash between the activation and the count leaves it one off; the maintenance run recounts it from the status index', async () => {
    const { shopId, admin } = shop;
    const count = async () => (await t.call('GET', '/admin/service', { token: admin })).body.stats.activeSubscriptions as number;
    const before = await count();
    const buyer = await t.token('customer', shopId, 'crashed-checkout');
    const signup = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(await earliestStart(t, shopId)) });
    const id = signup.body.subscription.id as string;
    const authKey = await authorize(t, id, { cardNumber: '9410-0000-0000-0001' });
    // The process dies after the subscription's write, before the counter's.
    const { checkOut } = await import('../../functions/use-cases/check-out.ts');
    const real = await runDeps();
    const crashing = { ...real, shops: { ...real.shops, countActiveSubscriptions: () => Promise.reject(new Error('crash before the count')) } };
    await expect(checkOut(crashing, shopId, 'crashed-checkout', id, { authKey })).rejects.toThrow('crash before the count');
    // The buyer's retry finds it ACTIVE and answers it: the count stays one short.
    expect((await t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey } })).body.status).toBe('ACTIVE');
    expect(await count()).toBe(before);

    const tomorrow = addDays(seoulDate(new Date(await now())), 1);
    const response = await t.call('POST', '/_local/clock', { body: { now: `${tomorrow}T04:30:00+09:00` } });
    const maintenance = response.body.runs.find((run: { functionName: string }) => run.functionName === 'maintenanceRun');
    expect(maintenance).toMatchObject({ ok: true, result: expect.objectContaining({ corrected: 1 }) });
    expect(await count()).toBe(before + 1);
  });
});

/**
 * The stop cascade (S21–S24) through the real local system: the triggers answer
 * at once (STOPPING), the stop worker runs the job from its queue, and
 * `t.system.queues.drain()` waits for it. The crash at every call of the job's
 * steps is stop-service-crash.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/dates.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, authorize, registerContracts, signUpBody } from '../support/storefront.ts';
import { stopFixtures } from '../support/stop-fixtures.ts';
import { noticed as noticeSent } from '../support/cycles.ts';
import { runDeps, type RunDeps } from '../support/run-deps.ts';

let t: TestSystem;
let deps: RunDeps;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  deps = await runDeps();
});
afterAll(() => t?.stop());

const { buyer, outbox, mailsOf, service, detail, topUp } = stopFixtures(() => t);

/** Locks the D-2 notice's cycle as the notice run would (NOTICED, due for the charge run). */
async function noticed(subscription: { id: string; nextDeliveryDate: string }) {
  await noticeSent(deps.cycles, subscription);
}

describe('S22–S24: POST /admin/service/stop', () => {
  it('cancels every subscription, cancels noticed cycles, deletes every billing key, mails each buyer once and the operator last', async () => {
    const shop = await activeShop(t);
    await topUp(shop, 10);
    const buyers = [await buyer(shop), await buyer(shop), await buyer(shop)];
    const pending = await buyer(shop, { pending: true });
    await noticed(buyers[0]!.subscription);
    const billingKeys = await Promise.all(buyers.map(async (b) => (await deps.billingKeys.get(shop.shopId, b.customerId, 'card'))!.billingKey));

    const stop = await t.call('POST', '/admin/service/stop', { token: shop.admin });
    expect(stop.status).toBe(202);
    expect(stop.body).toMatchObject({ status: 'STOPPING', stop: { reason: 'MERCHANT_REQUEST' } });
    await t.system.queues.drain();

    const view = await service(shop);
    expect(view).toMatchObject({ status: 'STOPPED', cardPg: 'tosspayments', stats: { activeSubscriptions: 0 } });
    expect(view.stop).toMatchObject({ reason: 'MERCHANT_REQUEST', progress: { phase: 'DONE', cancelled: 4, keysDeleted: 3, mailsSent: 4, mailsNotSent: 0 } });
    for (const b of [...buyers, pending]) expect(await detail(b)).toMatchObject({ status: 'CANCELLED', cancelReason: 'SERVICE_STOPPED', nextDeliveryDate: null });
    expect((await detail(buyers[0]!)).cycles).toEqual([expect.objectContaining({ status: 'CANCELLED' })]);
    // S22: gone at the PG and in the table.
    for (const [i, b] of buyers.entries()) {
      expect(await deps.billingKeys.get(shop.shopId, b.customerId, 'card')).toBeUndefined();
      expect(t.system.sandboxPg.billingKey(billingKeys[i]!)?.deletedAt).toBeDefined();
      expect(await mailsOf('auto-cancel', b.email)).toHaveLength(1);
    }
    expect((await t.call('GET', '/me/card', { token: buyers[0]!.token })).status).toBe(404);
    // S23: the operator's summary, with the counts.
    const summary = await mailsOf('auto-cancel-summary', `ops@${shop.shopId}.example`);
    expect(summary).toHaveLength(1);
    expect(summary[0]!.body).toContain('해지된 정기배송: 4건');
    expect(summary[0]!.body).toContain('삭제된 정기결제 수단(빌링키): 3건');
    // S24: one bulk-mail credit per mail sent (4 buyers + the summary).
    expect((await t.call('GET', '/admin/credits', { token: shop.admin })).body.bulkMail).toBe(10 - 5);

    // Stopped: nothing more to stop; the storefront refuses; the shop may apply again.
    expect((await t.call('POST', '/admin/service/stop', { token: shop.admin })).body.error.code).toBe('SERVICE_NOT_ACTIVE');
    const again = await t.call('POST', '/subscriptions', { token: buyers[1]!.token, body: signUpBody(buyers[1]!.subscription.startDate as string) });
    expect([again.status, again.body.error?.code]).toEqual([409, 'SERVICE_NOT_ACTIVE']);
    await registerContracts(t, shop.shopId, ['kcp']);
    const reapply = await t.call('POST', '/admin/service/application', { token: shop.admin, body: { cardPg: 'kcp' } });
    expect(reapply.status).toBe(201);
    expect(reapply.body).toMatchObject({ status: 'REVIEWING', cardPg: 'kcp' });
  });

  it('S24: with exactly k bulk-mail credits the operator\'s credit is set aside first: k−1 buyers are mailed, the rest recorded not sent', async () => {
    const shop = await activeShop(t);
    await topUp(shop, 3);
    const buyers = [await buyer(shop), await buyer(shop), await buyer(shop), await buyer(shop)];
    expect((await t.call('POST', '/admin/service/stop', { token: shop.admin })).status).toBe(202);
    await t.system.queues.drain();

    expect((await service(shop)).stop.progress).toEqual({ phase: 'DONE', cancelled: 4, keysDeleted: 4, mailsSent: 2, mailsNotSent: 2 });
    const mailed = (await Promise.all(buyers.map(async (b) => (await mailsOf('auto-cancel', b.email)).length))).reduce((a, b) => a + b, 0);
    expect(mailed).toBe(2);
    const summary = await mailsOf('auto-cancel-summary', `ops@${shop.shopId}.example`);
    expect(summary).toHaveLength(1);
    expect(summary[0]!.body).toContain('발송하지 못한 메일(대량메일 건수 부족 등): 2건');
    expect((await t.call('GET', '/admin/credits', { token: shop.admin })).body.bulkMail).toBe(0);
  });

  it('S23: with the auto-cancel mails switched off nothing is mailed and no credit is spent', async () => {
    const shop = await activeShop(t);
    await topUp(shop, 5);
    await t.call('PUT', '/admin/settings/notifications', {
      token: shop.admin,
      body: { paymentNotice: { mail: true, sms: true }, autoCancel: { customerMail: false, operatorMail: false }, operatorEmail: `ops@${shop.shopId}.example` },
    });
    const b = await buyer(shop);
    expect((await t.call('POST', '/admin/service/stop', { token: shop.admin })).status).toBe(202);
    await t.system.queues.drain();
    expect((await service(shop)).stop.progress).toMatchObject({ phase: 'DONE', cancelled: 1, mailsSent: 0, mailsNotSent: 0 });
    expect(await mailsOf('auto-cancel', b.email)).toEqual([]);
    expect(await mailsOf('auto-cancel-summary', `ops@${shop.shopId}.example`)).toEqual([]);
    expect((await t.call('GET', '/admin/credits', { token: shop.admin })).body.bulkMail).toBe(5);
  });

  it('two stops at once: one job, one mail per buyer, one summary', async () => {
    const shop = await activeShop(t);
    await topUp(shop, 10);
    const b = await buyer(shop);
    const [first, second] = await Promise.all([t.call('POST', '/admin/service/stop', { token: shop.admin }), t.call('POST', '/admin/service/stop', { token: shop.admin })]);
    expect([first.status, second.status]).toEqual([202, 202]);
    expect(first.body.stop.at).toBe(second.body.stop.at);
    await t.system.queues.drain();
    expect((await service(shop)).stop.progress).toMatchObject({ phase: 'DONE', cancelled: 1, mailsSent: 1 });
    expect(await mailsOf('auto-cancel', b.email)).toHaveLength(1);
    expect(await mailsOf('auto-cancel-summary', `ops@${shop.shopId}.example`)).toHaveLength(1);
  });
});

describe('S21: a PG change or unlink stops the service the same way', () => {
  it.each([
    ['PUT', { cardPg: 'kcp' }, 'PG_CHANGED', 'kcp'],
    ['DELETE', undefined, 'PG_UNLINKED', null],
  ] as const)('%s /admin/service/pg runs the cascade', async (method, body, reason, cardPg) => {
    const shop = await activeShop(t);
    await topUp(shop, 10);
    const b = await buyer(shop);
    const response = await t.call(method, '/admin/service/pg', { token: shop.admin, ...(body ? { body } : {}) });
    expect(response.body).toMatchObject({ status: 'STOPPING', cardPg, stop: { reason } });
    await t.system.queues.drain();
    expect(await service(shop)).toMatchObject({ status: 'STOPPED', cardPg, stop: { reason, progress: { phase: 'DONE', cancelled: 1, keysDeleted: 1, mailsSent: 1 } } });
    expect(await detail(b)).toMatchObject({ status: 'CANCELLED', cancelReason: 'SERVICE_STOPPED' });
    expect(await mailsOf('auto-cancel', b.email)).toHaveLength(1);
  });
});

describe('KakaoPay switched off', () => {
  it('cancels only the KakaoPay subscriptions and deletes only KakaoPay keys; the service stays ACTIVE', async () => {
    const shop = await activeShop(t, { kakaopay: true });
    await topUp(shop, 10);
    const card = await buyer(shop);
    const kakao = await buyer(shop, { kakaopay: true });
    const response = await t.call('PUT', '/admin/service/easy-pay', { token: shop.admin, body: { kakaopay: false } });
    expect(response.body).toMatchObject({ status: 'ACTIVE', easyPay: [] });
    await t.system.queues.drain();
    const view = await service(shop);
    expect(view).toMatchObject({ status: 'ACTIVE', easyPayStop: { reason: 'KAKAOPAY_OFF', progress: { phase: 'DONE', cancelled: 1, keysDeleted: 1, mailsSent: 1 } } });
    expect(await detail(kakao)).toMatchObject({ status: 'CANCELLED', cancelReason: 'SERVICE_STOPPED' });
    expect(await detail(card)).toMatchObject({ status: 'ACTIVE' });
    expect(await deps.billingKeys.get(shop.shopId, kakao.customerId, 'kakaopay')).toBeUndefined();
    expect(await deps.billingKeys.get(shop.shopId, card.customerId, 'card')).toBeDefined();
    expect(await mailsOf('auto-cancel', kakao.email)).toHaveLength(1);
    expect(await mailsOf('auto-cancel', card.email)).toEqual([]);
  });
});

describe('resume', () => {
  it('a trigger that died before creating its job: STOPPING refuses signup and checkout; GET /admin/service creates the job and the cascade finishes', async () => {
    const shop = await activeShop(t);
    await topUp(shop, 10);
    const b = await buyer(shop);
    const pending = await buyer(shop, { pending: true });
    // The shop write of a trigger, and then the process died: no job, nothing on the queue.
    const current = (await deps.shops.get(shop.shopId))!;
    const at = current.createdAt;
    expect(await deps.shops.update(shop.shopId, current.version, { service: { ...current.service, status: 'STOPPING', stop: { reason: 'MERCHANT_REQUEST', at, jobId: `v${current.version + 1}` } } })).toBe(true);

    // (The purchase options offer no start date while stopped: the one the buyer chose before.)
    const signup = await t.call('POST', '/subscriptions', { token: b.token, body: signUpBody(b.subscription.startDate as string) });
    expect([signup.status, signup.body.error?.code]).toEqual([409, 'SERVICE_NOT_ACTIVE']);
    const checkout = await t.call('POST', `/subscriptions/${pending.subscription.id}/checkout`, { token: pending.token, body: { authKey: await authorize(t, pending.subscription.id, { cardNumber: '9410-0000-0000-0001' }) } });
    expect([checkout.status, checkout.body.error?.code]).toEqual([409, 'SERVICE_NOT_ACTIVE']);
    expect((await t.call('PUT', '/admin/service/pg', { token: shop.admin, body: { cardPg: 'kcp' } })).body.error.code).toBe('SERVICE_STOPPING');

    const read = await service(shop);
    expect(read).toMatchObject({ status: 'STOPPING', stop: { reason: 'MERCHANT_REQUEST', progress: { phase: 'CANCEL', cancelled: 0 } } });
    await t.system.queues.drain();
    expect(await service(shop)).toMatchObject({ status: 'STOPPED', stop: { progress: { phase: 'DONE', cancelled: 2, keysDeleted: 1, mailsSent: 2 } } });
    expect(await mailsOf('auto-cancel', b.email)).toHaveLength(1);
  });

});

describe('a noticed cycle is never charged after the stop (S22)', () => {
  it('the charge run passes the charge date: the cancelled cycle stays CANCELLED, no payment', async () => {
    const shop = await activeShop(t);
    await topUp(shop, 10);
    const b = await buyer(shop);
    await noticed(b.subscription);
    expect((await t.call('POST', '/admin/service/stop', { token: shop.admin })).status).toBe(202);
    await t.system.queues.drain();
    const moved = await t.call('POST', '/_local/clock', { body: { now: `${addDays(b.subscription.nextChargeDate as string, 1)}T18:00:00+09:00` } });
    expect(moved.status).toBe(200);
    const after = await detail(b);
    expect(after.cycles).toEqual([expect.objectContaining({ status: 'CANCELLED' })]);
    expect((await outbox()).filter((item) => item.kind === 'subscription.cycle.charged' && item.body.includes(b.subscription.id))).toEqual([]);
  });
});

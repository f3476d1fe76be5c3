/**
 * The stop cascade (S21–S24) through the real local system: the triggers answer
 * at once (STOPPING), the stop worker runs the job from its queue, and
 * `t.system.queues.drain()` waits for it. Crash/resume cases drive the job's
 * steps directly (`runStopStep`) over a document client that fails on a chosen call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/dates.ts';
import type { StopMessage } from '../../functions/domain/stop-job.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { faultyClient, SimulatedCrash } from '../support/faulty-client.ts';
import { activeShop, authorize, contact, earliestStart, registerContracts, signUpBody, subscribe } from '../support/storefront.ts';
import { noticed as noticeSent } from '../support/cycles.ts';
import { runDeps, type RunDeps } from '../support/run-deps.ts';

let t: TestSystem;
let deps: RunDeps;
let n = 0;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  deps = await runDeps();
});
afterAll(() => t?.stop());

type Shop = Awaited<ReturnType<typeof activeShop>>;

/** A buyer with their own mail address, subscribed with a card (or KakaoPay). */
async function buyer(shop: Shop, options: { kakaopay?: boolean; pending?: boolean } = {}) {
  n += 1;
  const customerId = `stop-buyer-${n}`;
  const token = await t.token('customer', shop.shopId, customerId);
  const email = `${customerId}@example.com`;
  const overrides = { contact: { ...contact, email }, ...(options.kakaopay ? { paymentMethod: 'kakaopay' } : {}) };
  if (options.pending) {
    const signup = await t.call('POST', '/subscriptions', { token, body: signUpBody(await earliestStart(t, shop.shopId), overrides) });
    expect(signup.status).toBe(201);
    return { customerId, token, email, subscription: signup.body.subscription };
  }
  if (options.kakaopay) {
    const signup = await t.call('POST', '/subscriptions', { token, body: signUpBody(await earliestStart(t, shop.shopId), overrides) });
    const id = signup.body.subscription.id as string;
    const checkout = await t.call('POST', `/subscriptions/${id}/checkout`, { token, body: { authKey: await authorize(t, id, { kakaoPayMethod: 'card' }) } });
    expect(checkout.status).toBe(200);
    return { customerId, token, email, subscription: checkout.body };
  }
  return { customerId, token, email, subscription: await subscribe(t, token, shop.shopId, '9410-0000-0000-0001', overrides) };
}

/** Locks the D-2 notice's cycle as the notice run would (NOTICED, due for the charge run). */
async function noticed(subscription: { id: string; nextDeliveryDate: string }) {
  await noticeSent(deps.cycles, subscription);
}

const outbox = async (to?: string) => (await t.call('GET', `/_local/outbox${to ? `?to=${encodeURIComponent(to)}` : ''}`)).body.items as Array<{ kind: string; to: string; body: string; subject?: string }>;
const mailsOf = async (kind: string, to?: string) => (await outbox(to)).filter((item) => item.kind === kind);
const service = async (shop: Shop) => (await t.call('GET', '/admin/service', { token: shop.admin })).body;
const detail = async (b: { token: string; subscription: { id: string } }) => (await t.call('GET', `/subscriptions/${b.subscription.id}`, { token: b.token })).body;
const topUp = (shop: Shop, bulkMail: number) => t.call('POST', `/platform/shops/${shop.shopId}/credits`, { token: shop.platform, body: { bulkMail } });

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

describe('a crash at any call of a step is redone with the same end state and no mail twice; progress is visible while STOPPING, step by step', () => {
  let stopJob: typeof import('../../functions/use-cases/stop-job.ts');
  let repositories: (db: import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient) => Omit<Parameters<typeof stopJob.runStopStep>[0], 'clock' | 'mailer' | 'gateways' | 'pageSize' | 'workQueue' | 'events'>;
  let db: import('@aws-sdk/lib-dynamodb').DynamoDBDocumentClient;
  beforeAll(async () => {
    stopJob = await import('../../functions/use-cases/stop-job.ts');
    const { stopJobsRepository } = await import('../../functions/adapters/dynamodb/stop-jobs.repo.ts');
    const { subscriptionsRepository } = await import('../../functions/adapters/dynamodb/subscriptions.repo.ts');
    const { shopsRepository } = await import('../../functions/adapters/dynamodb/shops.repo.ts');
    const { billingKeysRepository } = await import('../../functions/adapters/dynamodb/billing-keys.repo.ts');
    const { creditsRepository } = await import('../../functions/adapters/dynamodb/credits.repo.ts');
    const { notificationsRepository } = await import('../../functions/adapters/dynamodb/notifications.repo.ts');
    const { settingsRepository } = await import('../../functions/adapters/dynamodb/settings.repo.ts');
    const { cyclesRepository } = await import('../../functions/adapters/dynamodb/cycles.repo.ts');
    const { createDocumentClient } = await import('../../functions/adapters/dynamodb/client.ts');
    const { tableName } = (await import('../../functions/config.ts')).config;
    db = createDocumentClient();
    repositories = (client) => ({
      shops: shopsRepository(client, tableName),
      settings: settingsRepository(client, tableName),
      subscriptions: subscriptionsRepository(client, tableName),
      cycles: cyclesRepository(client, tableName),
      billingKeys: billingKeysRepository(client, tableName, deps.sealer),
      stopJobs: stopJobsRepository(client, tableName),
      credits: creditsRepository(client, tableName),
      notifications: notificationsRepository(client, tableName),
    });
  });

  // Crash points over the whole job: a clean run of it makes about 90 DynamoDB calls (every phase); each point is its own case.
  const crashes = Array.from({ length: 31 }, (_, i) => 1 + 3 * i).flatMap((call) => [[call, 'before'], [call, 'after']] as const);
  it.each(crashes)('crash at DynamoDB call %i (%s)', async (failOn, when) => {
    const shop = await activeShop(t);
    await topUp(shop, 10);
    const buyers = [await buyer(shop), await buyer(shop)];
    const faulty = faultyClient(db, failOn, when);
    const events: string[] = faulty.commands;
    let now = Date.now();
    const queue: Array<{ message: StopMessage; id: string }> = [];
    let ids = 0;
    const stepDeps = {
      ...repositories(faulty.db),
      clock: { now: () => new Date(now) },
      mailer: {
        send: async (mail: Parameters<typeof deps.mailer.send>[0]) => {
          events.push(`MAIL:${mail.kind}`);
          return deps.mailer.send(mail);
        },
      },
      gateways: deps.gateways,
      events: deps.events,
      // One item per step: the cursors are exercised (and crashed) between pages.
      pageSize: 1,
      workQueue: { send: async (messages: readonly unknown[]) => void queue.push(...messages.map((message) => ({ message: message as StopMessage, id: `m${(ids += 1)}` }))) },
    };
    const current = (await deps.shops.get(shop.shopId))!;
    const jobId = `v${current.version + 1}`;
    expect(await deps.shops.update(shop.shopId, current.version, { service: { ...current.service, status: 'STOPPING', stop: { reason: 'MERCHANT_REQUEST', at: current.createdAt, jobId } } })).toBe(true);
    await stopJob.startStopJobs({ ...stepDeps, shops: deps.shops, stopJobs: deps.stopJobs }, (await deps.shops.get(shop.shopId))!, { resume: false });

    let crashedAfterMail = false;
    let crashed = false;
    let steps = 0;
    while (queue.length > 0) {
      const next = queue.shift()!;
      try {
        await stopJob.runStopStep(stepDeps, next.message, next.id);
        steps += 1;
        if (steps === 1) expect((await service(shop)).stop.progress).toMatchObject({ phase: 'CANCEL', cancelled: 1 });
        const view = await service(shop);
        if (view.status === 'STOPPING') expect(view.stop.progress.phase).not.toBe('DONE');
      } catch (error) {
        if (!(error instanceof SimulatedCrash)) throw error;
        crashed = true;
        // The documented gap of the notification log: the provider took the mail, its SENT was not recorded.
        crashedAfterMail ||= events[events.length - 2]?.startsWith('MAIL:') ?? false;
        // SQS brings the same message back after the visibility timeout (past the SENDING lease).
        now += 10 * 60_000;
        queue.unshift(next);
      }
    }
    expect(crashed, 'the crash point lies inside the job').toBe(true);
    const view = await service(shop);
    expect(view).toMatchObject({ status: 'STOPPED', stats: { activeSubscriptions: 0 }, stop: { progress: { phase: 'DONE', cancelled: 2, mailsSent: 2, mailsNotSent: 0 } } });
    for (const b of buyers) {
      expect(await detail(b)).toMatchObject({ status: 'CANCELLED', cancelReason: 'SERVICE_STOPPED' });
      expect(await deps.billingKeys.get(shop.shopId, b.customerId, 'card')).toBeUndefined();
      const mails = (await mailsOf('auto-cancel', b.email)).length;
      if (crashedAfterMail) expect(mails).toBeGreaterThanOrEqual(1);
      else expect(mails).toBe(1);
    }
    const summaries = (await mailsOf('auto-cancel-summary', `ops@${shop.shopId}.example`)).length;
    if (crashedAfterMail) expect(summaries).toBeGreaterThanOrEqual(1);
    else expect(summaries).toBe(1);
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

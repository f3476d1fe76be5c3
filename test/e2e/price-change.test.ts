/**
 * Issue 14, the 30-day consent to a price increase, through the local runtime: a rise recorded once on the
 * product, every active subscriber told once by mail (and SMS, one credit per SNS part, S12) by the
 * price-change job, a redelivered step sending nothing twice; the buyer's answer recorded and shown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, beans, subscribe } from '../support/storefront.ts';
import { runDeps, type RunDeps } from '../support/run-deps.ts';

let t: TestSystem;
let deps: RunDeps;
let runPriceChangeStep: typeof import('../../functions/use-cases/price-change-job.ts')['runPriceChangeStep'];
let answerPriceChange: typeof import('../../functions/use-cases/price-consent.ts')['answerPriceChange'];
let n = 0;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  deps = await runDeps();
  ({ runPriceChangeStep } = await import('../../functions/use-cases/price-change-job.ts'));
  ({ answerPriceChange } = await import('../../functions/use-cases/price-consent.ts'));
});
afterAll(() => t?.stop());

const outbox = async (to: string) => (await t.call('GET', `/_local/outbox?to=${encodeURIComponent(to)}`)).body.items as Array<{ channel: string; kind: string; body: string; subject?: string }>;

/** A shop with SMS on and 10 SMS credits, and two buyers subscribed to beans (×2). */
async function shopWithSubscribers() {
  const shop = await activeShop(t);
  await t.call('POST', `/platform/shops/${shop.shopId}/credits`, { token: shop.platform, body: { sms: 10 } });
  await t.call('PUT', '/admin/settings/notifications', {
    token: shop.admin,
    body: { paymentNotice: { mail: true, sms: true }, autoCancel: { customerMail: false, operatorMail: false }, operatorEmail: `ops@${shop.shopId}.example` },
  });
  const buyers = [];
  for (let i = 0; i < 2; i += 1) {
    n += 1;
    const email = `price-buyer-${n}@example.com`;
    const phone = `010-5555-${String(1000 + n)}`;
    const token = await t.token('customer', shop.shopId, `price-buyer-${n}`);
    const subscription = await subscribe(t, token, shop.shopId, '9410-0000-0000-0001', { contact: { email, phone } });
    buyers.push({ token, email, phone, subscription });
  }
  return { ...shop, buyers };
}

const today = async () => ((await t.call('GET', '/_local/clock')).body.now as string).slice(0, 10);
/** SNS receives E.164 numbers. */
const e164 = (phone: string) => `+82${phone.replace(/\D/g, '').slice(1)}`;

describe('issue 14: a price increase', () => {
  it('is recorded once on the product with its fixed id and the policy; a decrease is recorded and applies at once', async () => {
    const shop = await activeShop(t);
    const raised = await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 27_000, priceIncreasePolicy: 'end-subscription' } });
    expect(raised.status).toBe(200);
    const date = await today();
    const change = { changeId: `beans#${date}#27000`, productId: 'beans', oldPrice: 25_000, newPrice: 27_000, announcedOn: date, policy: 'end-subscription' };
    expect(raised.body).toMatchObject({ price: 27_000, priceIncreasePolicy: 'end-subscription', priceChanges: [expect.objectContaining(change)] });
    expect(raised.body.priceChanges[0].increaseFrom).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The retried PUT records nothing more.
    const again = await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 27_000, priceIncreasePolicy: 'end-subscription' } });
    expect(again.body.priceChanges).toHaveLength(1);
    // The policy stays when a later save leaves it out; a decrease has no increaseFrom.
    const lower = await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 24_000 } });
    expect(lower.body.priceIncreasePolicy).toBe('end-subscription');
    expect(lower.body.priceChanges).toHaveLength(2);
    expect(lower.body.priceChanges[1]).not.toHaveProperty('increaseFrom');
    expect((await t.call('GET', '/admin/products/drip', { token: shop.admin })).body.priceIncreasePolicy).toBe('keep-old-price');
  });

  it('tells every active subscriber once by mail and SMS (one credit per part); a redelivered step sends nothing twice', async () => {
    const shop = await shopWithSubscribers();
    await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 27_000 } });
    await t.system.queues.drain();
    for (const buyer of shop.buyers) {
      const mails = (await outbox(buyer.email)).filter((item) => item.kind === 'price-change');
      expect(mails).toHaveLength(1);
      expect(mails[0]?.subject).toContain('정기결제 금액 변경');
      expect(mails[0]?.body).toContain('50,000원');
      expect(mails[0]?.body).toContain('54,000원');
      expect(mails[0]?.body).toContain(`/subscriptions/${buyer.subscription.id}/price-consent`);
      expect(mails[0]?.body).toContain('기존 금액으로 계속 결제');
      expect((await outbox(e164(buyer.phone))).filter((item) => item.kind === 'price-change')).toHaveLength(1);
    }
    const credits = (await t.call('GET', '/admin/credits', { token: shop.admin })).body;
    expect(credits.sms).toBe(8);
    // A crash after the sends, before the checkpoint: the step's message comes again.
    const jobId = `beans#${await today()}#27000`;
    const done = await deps.priceChangeJobs.get(shop.shopId, jobId);
    expect(done?.progress).toMatchObject({ phase: 'DONE', notified: 2, mailsSent: 2, smsSent: 2, smsNotSent: 0 });
    expect(await deps.priceChangeJobs.checkpoint({ ...done!, step: 0, progress: { ...done!.progress, phase: 'NOTIFY', notified: 0, mailsSent: 0, smsSent: 0 } }, done!.step)).toBe(true);
    await runPriceChangeStep(deps, { kind: 'PRICE_CHANGE', shopId: shop.shopId, jobId, step: 0 }, 'redelivered');
    for (const buyer of shop.buyers) {
      expect((await outbox(buyer.email)).filter((item) => item.kind === 'price-change')).toHaveLength(1);
      expect((await outbox(e164(buyer.phone))).filter((item) => item.kind === 'price-change')).toHaveLength(1);
    }
    expect((await t.call('GET', '/admin/credits', { token: shop.admin })).body.sms).toBe(8);
    expect((await deps.priceChangeJobs.get(shop.shopId, jobId))?.progress.phase).toBe('DONE');
  });

  it('a subscription that signed up after the rise is not asked; without SMS credits the mail still goes', async () => {
    const shop = await activeShop(t);
    await t.call('PUT', '/admin/settings/notifications', {
      token: shop.admin,
      body: { paymentNotice: { mail: true, sms: true }, autoCancel: { customerMail: false, operatorMail: false }, operatorEmail: `ops@${shop.shopId}.example` },
    });
    const before = await subscribe(t, await t.token('customer', shop.shopId, 'early'), shop.shopId, '9410-0000-0000-0001', { contact: { email: 'early@example.com', phone: '010-7777-0001' } });
    expect(before.status).toBe('ACTIVE');
    await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 30_000 } });
    await t.call('POST', '/_local/clock', { body: { hours: 1 } });
    await subscribe(t, await t.token('customer', shop.shopId, 'late'), shop.shopId, '9410-0000-0000-0001', { contact: { email: 'late@example.com', phone: '010-7777-0002' } });
    await t.system.queues.drain();
    expect((await outbox('early@example.com')).filter((item) => item.kind === 'price-change')).toHaveLength(1);
    expect((await outbox(e164('010-7777-0001'))).filter((item) => item.kind === 'price-change')).toHaveLength(0);
    expect((await outbox('late@example.com')).filter((item) => item.kind === 'price-change')).toHaveLength(0);
  });

  it('the buyer accepts or refuses; the answer (who, when) shows on both views; 409 without a pending change, 404 for another buyer', async () => {
    const shop = await shopWithSubscribers();
    const [first, second] = shop.buyers as [(typeof shop.buyers)[0], (typeof shop.buyers)[0]];
    const consent = (buyer: typeof first, accept: boolean, token = buyer.token) => t.call('POST', `/subscriptions/${buyer.subscription.id}/price-consent`, { token, body: { accept } });
    expect((await consent(first, true)).body.error.code).toBe('NO_PENDING_PRICE_CHANGE');
    await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 27_000 } });
    await t.system.queues.drain();
    const changeId = `beans#${await today()}#27000`;
    expect((await consent(first, false, second.token)).status).toBe(404);
    const refused = await consent(first, false);
    expect(refused.status).toBe(200);
    expect(refused.body).toMatchObject({ pending: [expect.objectContaining({ changeId, oldPrice: 25_000, newPrice: 27_000 })], answers: [{ changeId, accept: false, by: expect.stringMatching(/^price-buyer-/) }] });
    // A changed mind replaces the answer; the other buyer's stays its own.
    await consent(first, true);
    await consent(second, false);
    const mine = await t.call('GET', `/subscriptions/${first.subscription.id}`, { token: first.token });
    expect(mine.body.priceChanges.answers).toEqual([{ changeId, accept: true, at: expect.stringMatching(/\+09:00$/), by: expect.stringMatching(/^price-buyer-/) }]);
    const merchant = await t.call('GET', `/admin/subscriptions/${second.subscription.id}`, { token: shop.admin });
    expect(merchant.body.priceChanges).toMatchObject({ pending: [{ changeId }], answers: [{ changeId, accept: false }] });
    // From increaseFrom the answer is final: nothing is pending any more (the use case under a clock 30 days on,
    // rather than moving the local clock through 30 days of runs).
    const increaseFrom = merchant.body.priceChanges.pending[0].increaseFrom as string;
    const later = { ...deps, clock: { now: () => new Date(`${increaseFrom}T09:00:00+09:00`) } };
    const customerId = mine.body.customerId as string;
    await expect(answerPriceChange(later, shop.shopId, customerId, first.subscription.id, false)).rejects.toMatchObject({ status: 409, code: 'NO_PENDING_PRICE_CHANGE' });
    expect((await deps.priceConsents.consentsOf(first.subscription.id)).map((answer) => answer.accept)).toEqual([true]);
  });
});

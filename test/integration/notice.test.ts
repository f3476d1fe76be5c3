/**
 * The D-2 payment notice (S11, S12, S17, S18), against the embedded engine
 * through the real local system: shops, buyers and subscriptions are made
 * through the HTTP API, the notice runs with the deployed adapters, and what
 * was sent is read back from the local outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { keys } from '../../functions/adapters/dynamodb/keys.ts';
import { addDays, seoulTimestamp } from '../../functions/core/dates.ts';
import { transition } from '../../functions/domain/cycle.ts';
import { debitOperationId } from '../../functions/domain/credits.ts';
import { koreanDate } from '../../functions/notifications/payment-notice.ts';
import { snsSmsChannel } from '../../functions/notifications/sms-parts.ts';
import { noticeWork, processNotice, SENDING_LEASE_MS } from '../../functions/use-cases/runs/notice.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeSubscription, advance, noticeItem, outbox, shopWithCredits } from '../support/notice-fixtures.ts';
import { dueOn, runDeps, type RunDeps } from '../support/run-deps.ts';
import { beans, earliestStart, registerContracts, signUpBody } from '../support/storefront.ts';

let t: TestSystem;
let deps: RunDeps;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  deps = await runDeps();
});
afterAll(() => t?.stop());

type Sub = Awaited<ReturnType<typeof activeSubscription>>['subscription'];

async function activeSubscriptions(shopId: string, count: number) {
  const made: Array<Awaited<ReturnType<typeof activeSubscription>>> = [];
  for (let i = 0; i < count; i += 1) made.push(await activeSubscription(t, shopId));
  return made;
}

/** Products cannot be deleted through the API; a catalogue clean-up could still remove one. */
async function removeProduct(shopId: string, productId: string) {
  const { config } = await import('../../functions/config.ts');
  await createDocumentClient().send(new DeleteCommand({ TableName: config.tableName, Key: keys.product(shopId, productId) }));
}

/** One message of notice work: the subscriptions' planned cycles, all of one shop. */
const message = (messageId: string, subs: readonly Sub[]) => ({
  kind: 'NOTICE' as const,
  date: subs[0]!.nextNoticeDate,
  scheduledTime: `${subs[0]!.nextNoticeDate}T08:00:00+09:00`,
  shopId: subs[0]!.shopId,
  messageId,
  items: subs.map((sub) => ({ subscriptionId: sub.id, deliveryDate: sub.nextDeliveryDate })),
});
const outcomesOf = (report: Awaited<ReturnType<typeof noticeWork>>) => report.results.map((result) => ('outcome' in result ? result.outcome : { error: String(result.error) }));

const cycleOf = (sub: Sub, deliveryDate = sub.nextDeliveryDate) => deps.cycles.get({ subscriptionId: sub.id, deliveryDate });
const credits = async (admin: string) => (await t.call('GET', '/admin/credits', { token: admin })).body as { sms: number; reserved: { sms: number } };
const ledger = async (admin: string) => (await t.call('GET', '/admin/credits/ledger?limit=100', { token: admin })).body.items as Array<{ id: string; change: number; reason: string }>;
const noticeDebits = async (admin: string) => (await ledger(admin)).filter((entry) => entry.reason === 'payment-notice');

describe('S17, S18: the payment notice locks the cycle and announces it', () => {
  it('locks the ACTIVE items at their current prices, sends mail and SMS, moves the cycle to the charge index and plans the next delivery', async () => {
    const shop = await shopWithCredits(t, 10);
    // S18: the amount is fixed at the notice, at the price of that day — not the price at signup (a decrease
    // applies at once; an increase needs the buyer's consent, issue 14: notice-pricing.test.ts).
    const { subscription: sub, buyer, contact, smsTo } = await activeSubscription(t, shop.shopId);
    await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 23_000 } });
    await t.system.queues.drain();
    expect(await dueOn(deps, 'NOTICE', sub.nextNoticeDate)).toContain(`${sub.id}|${sub.nextDeliveryDate}`);
    const before = await deps.subscriptions.get(sub.id);

    const outcome = await processNotice(deps, noticeItem(sub));

    expect(outcome).toEqual({ status: 'noticed', deliveryDate: sub.nextDeliveryDate, amount: 2 * 23_000 + 18_000, mail: 'sent', sms: 'sent' });
    const detail = (await t.call('GET', `/subscriptions/${sub.id}`, { token: buyer })).body;
    expect(detail.cycles).toEqual([
      {
        deliveryDate: sub.nextDeliveryDate,
        noticeDate: sub.nextNoticeDate,
        chargeDate: sub.nextChargeDate,
        status: 'NOTICED',
        amount: 64_000,
        items: [
          { productId: 'beans', quantity: 2, unitPrice: 23_000 },
          { productId: 'drip', quantity: 1, unitPrice: 18_000 },
        ],
        deliveryNumber: 1,
      },
    ]);
    // Out of the notice index, into the charge index of its charge date; the next delivery planned two weeks on.
    expect(await dueOn(deps, 'NOTICE', sub.nextNoticeDate)).not.toContain(`${sub.id}|${sub.nextDeliveryDate}`);
    expect(await dueOn(deps, 'CHARGE', sub.nextChargeDate)).toContain(`${sub.id}|${sub.nextDeliveryDate}`);
    const following = addDays(sub.nextDeliveryDate, 14);
    expect(await cycleOf(sub, following)).toMatchObject({ status: 'SCHEDULED', noticeDate: addDays(following, -2) });
    expect(await dueOn(deps, 'NOTICE', addDays(following, -2))).toContain(`${sub.id}|${following}`);
    expect(await cycleOf(sub)).toMatchObject({ status: 'NOTICED', orderName: 'Beans 1kg 외 1건', followingDeliveryDate: following, notice: { mail: { state: 'SENT', attempts: 1, messageId: expect.any(String) }, sms: { state: 'SENT', attempts: 1 } } });
    // The subscription itself was not written by the notice.
    expect(await deps.subscriptions.get(sub.id)).toEqual(before);

    // (A rise would also send its price-change notice, issue 14: this test reads the payment notice.)
    const notices = (items: Awaited<ReturnType<typeof outbox>>) => items.filter((item) => item.kind !== 'price-change');
    const [mail, ...moreMail] = notices(await outbox(t, contact.email));
    expect(moreMail).toEqual([]);
    expect(mail).toMatchObject({ channel: 'mail', kind: 'payment-notice' });
    expect(mail!.subject).toContain('정기배송 결제 예정 안내');
    expect(mail!.body).toContain('결제 예정 금액: 64,000원');
    expect(mail!.body).toContain(`배송 예정일: ${koreanDate(sub.nextDeliveryDate)}`);
    expect(mail!.body).toContain(`결제 예정일: ${koreanDate(sub.nextChargeDate)}`);
    expect(mail!.body).toContain('- Beans 1kg 2개 × 23,000원 = 46,000원');
    expect(mail!.body).toContain('Sandbox Card ****0001');
    expect(mail!.body).not.toContain('9410');
    expect(mail!.body).not.toContain('※');

    const [sms, ...moreSms] = notices(await outbox(t, smsTo));
    expect(moreSms).toEqual([]);
    expect(sms).toMatchObject({ channel: 'sms', kind: 'payment-notice' });
    expect(sms!.body).toContain('64,000원');
    expect(sms!.body).toContain('Beans 1kg 외 1건');
    expect(snsSmsChannel.measure(sms!.body).parts).toBe(1); // issue 14: one part of what SNS bills

    // S12: one SMS credit, under the operation id of (subscription, delivery), listed once.
    expect(await noticeDebits(shop.admin)).toEqual([expect.objectContaining({ id: debitOperationId('payment-notice', sub.id, sub.nextDeliveryDate, 'sms'), change: -1 })]);
    expect(await credits(shop.admin)).toMatchObject({ sms: 9, reserved: { sms: 0 } });
  });

  it('S18: a price change after the notice changes nothing in the announced cycle', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, buyer } = await activeSubscription(t, shop.shopId);
    await processNotice(deps, noticeItem(sub));
    await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 99_000 } });

    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'already-noticed' });
    const detail = (await t.call('GET', `/subscriptions/${sub.id}`, { token: buyer })).body;
    expect(detail.cycles).toEqual([expect.objectContaining({ amount: 68_000, items: [expect.objectContaining({ unitPrice: 25_000 }), expect.objectContaining({ unitPrice: 18_000 })] })]);
  });

  it('S18: a dead attempt is resent with the cycle it locked, never a recomputed amount', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    // A first attempt locked the cycle, recorded its intents and died before sending; prices changed since.
    const planned = (await cycleOf(sub))!;
    const at = seoulTimestamp(t.system.clock.now());
    const intents = { mail: { state: 'SENDING' as const, attempts: 1, at }, sms: { state: 'SENDING' as const, attempts: 1, at }, smsBlock: 'notice:dead-attempt:0' };
    const locked = transition(planned, { type: 'lock', lines: [{ productId: 'beans', quantity: 2, unitPrice: 25_000 }, { productId: 'drip', quantity: 1, unitPrice: 18_000 }], orderName: 'Beans 1kg 외 1건', notice: intents, following: addDays(sub.nextDeliveryDate, 14) });
    expect(locked.ok && (await deps.cycles.write(locked.next, locked.expect))).toBe(true);
    await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 40_000 } });

    // Within the dead worker's lease another worker may still be sending: the item fails, to be retried.
    await expect(processNotice(deps, noticeItem(sub))).rejects.toThrow(/being sent by another worker/);
    advance(t, SENDING_LEASE_MS + 1_000);
    expect(await processNotice(deps, noticeItem(sub))).toMatchObject({ status: 'noticed', amount: 68_000, mail: 'sent', sms: 'sent' });
    expect(await cycleOf(sub)).toMatchObject({ status: 'NOTICED', amount: 68_000, notice: { mail: { state: 'SENT', attempts: 2 }, sms: { state: 'SENT', attempts: 2 } } });
    // The rise itself was announced on its own (issue 14, kind 'price-change'); the notice is the other message.
    const notices = async (to: string) => (await outbox(t, to)).filter((item) => item.kind !== 'price-change');
    const [mail, ...moreMail] = await notices(contact.email);
    expect(mail?.body).toContain('결제 예정 금액: 68,000원');
    expect(moreMail).toEqual([]);
    expect(await notices(smsTo)).toHaveLength(1);
    // Bound to a block that never held it (and never will): paid on its own, once (the price-change SMS its own credit).
    expect(await noticeDebits(shop.admin)).toHaveLength(1);
    expect(await credits(shop.admin)).toMatchObject({ sms: 8, reserved: { sms: 0 } });
  });

  it('announces only the ACTIVE items (a partial cancel before the notice is out of the cycle)', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, buyer } = await activeSubscription(t, shop.shopId);
    await t.call('POST', `/subscriptions/${sub.id}/cancel`, { token: buyer, body: { productIds: ['drip'] } });
    expect(await processNotice(deps, noticeItem(sub))).toMatchObject({ status: 'noticed', amount: 50_000 });
    expect((await cycleOf(sub))?.items).toEqual([{ productId: 'beans', quantity: 2, unitPrice: 25_000 }]);
  });

  it('leaves out a product that is no longer in the catalogue', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact } = await activeSubscription(t, shop.shopId);
    await removeProduct(shop.shopId, 'drip');
    expect(await processNotice(deps, noticeItem(sub))).toMatchObject({ status: 'noticed', amount: 50_000 });
    expect((await cycleOf(sub))?.items).toEqual([{ productId: 'beans', quantity: 2, unitPrice: 25_000 }]);
    expect((await outbox(t, contact.email))[0]?.body).not.toContain('Drip');
  });

  it('with no announced product left: the cycle is SKIPPED, nothing is sent, and the subscription moves on to its next delivery', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    await removeProduct(shop.shopId, 'beans');
    await removeProduct(shop.shopId, 'drip');
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'nothing-to-charge' });

    const stored = await deps.subscriptions.getWithCycles(sub.id);
    expect(stored?.cycles).toEqual([expect.objectContaining({ deliveryDate: sub.nextDeliveryDate, status: 'SKIPPED', amount: 0, items: [] }), expect.objectContaining({ status: 'SCHEDULED' })]);
    // Cycle '2w': the next delivery two weeks on, due for its own notice then (a SKIPPED cycle is never charged, so nothing else would move it).
    const next = addDays(sub.nextDeliveryDate, 14);
    expect(stored).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: next, nextNoticeDate: addDays(next, -2), nextChargeDate: addDays(next, -1) });
    expect(await dueOn(deps, 'NOTICE', addDays(next, -2))).toContain(`${sub.id}|${next}`);
    expect(await dueOn(deps, 'NOTICE', sub.nextNoticeDate)).not.toContain(`${sub.id}|${sub.nextDeliveryDate}`);
    expect(await dueOn(deps, 'CHARGE', sub.nextChargeDate)).not.toContain(`${sub.id}|${sub.nextDeliveryDate}`);
    expect(await outbox(t, contact.email)).toEqual([]);
    expect(await outbox(t, smsTo)).toEqual([]);
    // A redelivery of the same item finds it done.
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'already-noticed' });
  });

  it('keeps the SMS within 90 EUC-KR bytes with a long shop name and long product names', async () => {
    const shopId = 'long-names-shop';
    const platform = await t.token('platform', 'platform', 'ops');
    const admin = await t.token('admin', shopId, 'owner');
    const shopName = '대한민국 최고의 스페셜티 커피 로스터리 앤 베이커리 카페 본점 공식 온라인 스토어';
    await t.call('POST', '/platform/shops', { token: platform, body: { shopId, name: shopName, operatorEmail: 'ops@long.example', productManagement: 'new' } });
    await registerContracts(t, shopId, ['tosspayments']);
    await t.call('POST', '/admin/service/application', { token: admin, body: {} });
    await t.call('POST', `/platform/shops/${shopId}/review`, { token: platform, body: { decision: 'approved' } });
    await t.call('POST', `/platform/shops/${shopId}/credits`, { token: platform, body: { sms: 5 } });
    const longName = '에티오피아 예가체프 G1 워시드 내추럴 싱글오리진 스페셜티 원두 1kg 홀빈 (분쇄 안 함) 산미 강조 라이트 로스팅 한정판';
    await t.call('PUT', '/admin/products/long', { token: admin, body: { ...beans, name: longName, price: 1_234_000 } });
    await t.call('PUT', '/admin/products/beans', { token: admin, body: beans });
    const start = await earliestStart(t, shopId);
    expect(start).toBeDefined();
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shopId, { items: [{ productId: 'long', quantity: 3 }, { productId: 'beans', quantity: 1 }] });
    expect(signUpBody(start).cycle).toBe('2w');

    expect(await processNotice(deps, noticeItem(sub))).toMatchObject({ status: 'noticed', amount: 3 * 1_234_000 + 25_000, sms: 'sent' });
    const [sms] = await outbox(t, smsTo);
    expect(snsSmsChannel.measure(sms!.body).parts).toBe(1); // issue 14: one part of what SNS bills
    expect(sms!.body).toContain('3,727,000원');
    expect(sms!.body).toContain(' 외 1건');
    expect((await outbox(t, contact.email))[0]?.body).toContain(`- ${longName} 3개 × 1,234,000원 = 3,702,000원`);
  });
});

describe('S11: the shop’s payment-notice settings', () => {
  const settings = (shop: { operatorEmail: string }, paymentNotice: { mail: boolean; sms: boolean }) => ({ paymentNotice, autoCancel: { customerMail: true, operatorMail: true }, operatorEmail: shop.operatorEmail });

  it.each([
    [{ mail: false, sms: true }, { mail: 'off', sms: 'sent' }, 0, 1, 9],
    [{ mail: true, sms: false }, { mail: 'sent', sms: 'off' }, 1, 0, 10],
    // Nothing to send: noticed (as far as the shop wants) at once, and chargeable.
    [{ mail: false, sms: false }, { mail: 'off', sms: 'off' }, 0, 0, 10],
  ])('%o: %o', async (paymentNotice, channels, mails, smses, left) => {
    const shop = await shopWithCredits(t, 10);
    expect((await t.call('PUT', '/admin/settings/notifications', { token: shop.admin, body: settings(shop, paymentNotice) })).status).toBe(200);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    expect(await processNotice(deps, noticeItem(sub))).toMatchObject({ status: 'noticed', ...channels });
    expect(await outbox(t, contact.email)).toHaveLength(mails);
    expect(await outbox(t, smsTo)).toHaveLength(smses);
    expect(await credits(shop.admin)).toMatchObject({ sms: left, reserved: { sms: 0 } });
    expect(await cycleOf(sub)).toMatchObject({ status: 'NOTICED' });
    expect(await dueOn(deps, 'CHARGE', sub.nextChargeDate)).toContain(`${sub.id}|${sub.nextDeliveryDate}`);
  });
});

describe('S12: SMS credits', () => {
  it('without credits: no SMS, NO_CREDIT recorded, the mail still goes out, the operator is mailed once that day', async () => {
    const shop = await shopWithCredits(t);
    const subs = await activeSubscriptions(shop.shopId, 3);
    // One item on its own, then two in a message.
    expect(await processNotice(deps, noticeItem(subs[0]!.subscription))).toMatchObject({ status: 'noticed', mail: 'sent', sms: 'no-credit' });
    expect(outcomesOf(await noticeWork(deps, message('dry-message', subs.slice(1).map((s) => s.subscription))))).toEqual([expect.objectContaining({ sms: 'no-credit' }), expect.objectContaining({ sms: 'no-credit' })]);

    for (const { subscription, contact, smsTo } of subs) {
      expect(await outbox(t, smsTo)).toEqual([]);
      expect(await outbox(t, contact.email)).toHaveLength(1);
      expect(await cycleOf(subscription)).toMatchObject({ status: 'NOTICED', notice: { sms: { state: 'NO_CREDIT' } } });
    }
    const operator = await outbox(t, shop.operatorEmail);
    expect(operator).toHaveLength(1);
    expect(operator[0]).toMatchObject({ channel: 'mail', kind: 'sms-credits-exhausted' });
    expect(operator[0]!.body).toContain('SMS 잔여 건수가 모두 소진');
    expect(await noticeDebits(shop.admin)).toEqual([]);
    expect(await credits(shop.admin)).toMatchObject({ sms: 0, reserved: { sms: 0 } });
  });

  it('with fewer credits than notices in a message: one credit per SMS sent, the rest NO_CREDIT, nothing left reserved', async () => {
    const shop = await shopWithCredits(t, 2);
    const subs = (await activeSubscriptions(shop.shopId, 3)).map((s) => s.subscription);
    const outcomes = outcomesOf(await noticeWork(deps, message('short-message', subs)));
    expect(outcomes.map((outcome) => ('sms' in outcome ? outcome.sms : outcome)).sort()).toEqual(['no-credit', 'sent', 'sent']);
    expect(await noticeDebits(shop.admin)).toHaveLength(2);
    expect(await credits(shop.admin)).toMatchObject({ sms: 0, reserved: { sms: 0 } });
    expect(await outbox(t, shop.operatorEmail)).toHaveLength(1);
  });

  it('a message pays its SMS from one block sized to them, writes its ledger lines, and releases the block', async () => {
    const shop = await shopWithCredits(t, 100);
    const subs = (await activeSubscriptions(shop.shopId, 3)).map((s) => s.subscription);
    const work = message('block-message', subs);
    await noticeWork(deps, work);
    const block = await deps.credits.block({ shopId: shop.shopId, kind: 'sms', blockId: `notice:${work.date}:${work.messageId}:0` });
    expect(block).toMatchObject({ state: 'RELEASED', granted: 3, spent: 3, refunded: 0 });
    expect(await credits(shop.admin)).toMatchObject({ sms: 97, reserved: { sms: 0 } });
    expect((await noticeDebits(shop.admin)).map((entry) => entry.id).sort()).toEqual(subs.map((s) => debitOperationId('payment-notice', s.id, s.nextDeliveryDate, 'sms')).sort());
  });

  it('a redelivered message goes on with its block if its worker died, and takes the next one once its block was closed', async () => {
    const shop = await shopWithCredits(t, 100);
    const subs = (await activeSubscriptions(shop.shopId, 2)).map((s) => s.subscription);
    const work = message('redelivered-message', subs);
    const block = (generation: number) => ({ shopId: shop.shopId, kind: 'sms' as const, blockId: `notice:${work.date}:${work.messageId}:${generation}` });
    // Delivery 1 reserved its block and died.
    await deps.credits.reserveBlock(block(0), 5, deps.clock.now());
    // Delivery 2 finds the block ACTIVE, pays from it, and releases it.
    await noticeWork(deps, { ...work, items: work.items.slice(0, 1) });
    expect(await deps.credits.block(block(0))).toMatchObject({ state: 'RELEASED', granted: 5, spent: 1, refunded: 4 });
    // Delivery 3: that block is closed, so the next generation.
    await noticeWork(deps, work);
    expect(await deps.credits.block(block(1))).toMatchObject({ state: 'RELEASED', granted: 1, spent: 1 });
    expect(await credits(shop.admin)).toMatchObject({ sms: 98, reserved: { sms: 0 } });
    expect(await noticeDebits(shop.admin)).toHaveLength(2);
  });
});

describe('idempotency: at-least-once delivery and overlapping workers', () => {
  it('the same item twice in a row: one cycle, one mail, one SMS, one credit', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    await processNotice(deps, noticeItem(sub));
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'already-noticed' });
    expect(await outbox(t, contact.email)).toHaveLength(1);
    expect(await outbox(t, smsTo)).toHaveLength(1);
    expect(await noticeDebits(shop.admin)).toHaveLength(1);
    expect(await credits(shop.admin)).toMatchObject({ sms: 9, reserved: { sms: 0 } });
  });

  it('the same message on two workers at once (a duplicate SQS delivery): each notice once, the loser’s items retried later', async () => {
    const shop = await shopWithCredits(t, 10);
    const made = await activeSubscriptions(shop.shopId, 3);
    const subs = made.map((s) => s.subscription);
    const work = message('duplicate-delivery', subs);
    const reports = await Promise.all([noticeWork(deps, work), noticeWork(deps, work)]);
    // Each item was locked by one of them; the other's attempt failed (it would be put back on its own).
    for (let i = 0; i < subs.length; i += 1) expect(reports.map((report) => report.results[i]!).filter((result) => 'outcome' in result && result.outcome.status === 'noticed')).toHaveLength(1);
    advance(t, SENDING_LEASE_MS + 1_000);
    expect(outcomesOf(await noticeWork(deps, { ...work, messageId: 'retried' }))).toEqual(subs.map(() => ({ status: 'skipped', reason: 'already-noticed' })));
    for (const sub of subs) expect(await cycleOf(sub)).toMatchObject({ status: 'NOTICED' });
    for (const { contact, smsTo } of made) {
      expect(await outbox(t, contact.email)).toHaveLength(1);
      expect(await outbox(t, smsTo)).toHaveLength(1);
    }
    expect(await noticeDebits(shop.admin)).toHaveLength(3);
    expect(await credits(shop.admin)).toMatchObject({ sms: 7, reserved: { sms: 0 } });
  });

  it('one failing item does not hold back the others of its message', async () => {
    const shop = await shopWithCredits(t, 10);
    const subs = (await activeSubscriptions(shop.shopId, 3)).map((s) => s.subscription);
    let sends = 0;
    const flaky = { ...deps, mailer: { send: async (mail: Parameters<RunDeps['mailer']['send']>[0]) => (++sends === 2 ? Promise.reject(new Error('SES throttled')) : deps.mailer.send(mail)) } };
    const report = await noticeWork(flaky, message('one-fails', subs));
    expect(report.results.filter((result) => 'error' in result)).toHaveLength(1);
    expect(report.results.filter((result) => 'outcome' in result && result.outcome.status === 'noticed')).toHaveLength(2);
    // The failed one, retried on its own after its lease: noticed; its SMS was paid once.
    advance(t, SENDING_LEASE_MS + 1_000);
    const failed = report.results.find((result) => 'error' in result)!.ref;
    expect(outcomesOf(await noticeWork(deps, { ...message('retry', subs), items: [failed] }))).toEqual([expect.objectContaining({ status: 'noticed' })]);
    expect(await noticeDebits(shop.admin)).toHaveLength(3);
    expect(await credits(shop.admin)).toMatchObject({ sms: 7, reserved: { sms: 0 } });
  });
});

describe('the cycle events of a message (issue 12: together, not one call per item)', () => {
  it('publishes the noticed events of a message in one go; an event the bus refuses fails only its item, whose retry publishes it', async () => {
    const shop = await shopWithCredits(t, 10);
    const subs = (await activeSubscriptions(shop.shopId, 3)).map((s) => s.subscription);
    const batches: string[][] = [];
    let refuse = true;
    const events = {
      publish: () => Promise.reject(new Error('one at a time')),
      publishEach: async (list: Parameters<RunDeps['events']['publishEach']>[0]) => {
        batches.push(list.map((event) => event.id));
        const results = await deps.events.publishEach(refuse ? list.slice(1) : list);
        return refuse ? [{ status: 'rejected' as const, reason: new Error('EventBridge refused subscription.cycle.noticed: ThrottlingException') }, ...results] : results;
      },
    };

    const report = await noticeWork({ ...deps, events }, message('events-together', subs));

    expect(batches).toEqual([subs.map((sub) => `${sub.id}.${sub.nextDeliveryDate}.noticed`)]);
    const [refused, ...others] = report.results;
    expect(refused).toMatchObject({ error: expect.objectContaining({ message: expect.stringContaining('ThrottlingException') }) });
    expect(others.map((result) => 'outcome' in result && result.outcome.status)).toEqual(['noticed', 'noticed']);
    // Its notice went out but is not settled: still NOTICING (in the notice index); after the lease the retry settles it.
    expect(await cycleOf(subs[0]!)).toMatchObject({ status: 'NOTICING' });
    refuse = false;
    advance(t, SENDING_LEASE_MS + 1_000);
    expect(outcomesOf(await noticeWork({ ...deps, events }, { ...message('events-retry', subs), items: [refused!.ref] }))).toEqual([expect.objectContaining({ status: 'noticed' })]);
    expect(batches.at(-1)).toEqual([`${subs[0]!.id}.${subs[0]!.nextDeliveryDate}.noticed`]);
    expect(await cycleOf(subs[0]!)).toMatchObject({ status: 'NOTICED' });
  });
});

describe('the late-notice rule (issue 17): a notice that goes out late moves its cycle', () => {
  it('a day late: notice today, charge tomorrow, delivery the day after; the subscription follows; buyer and operator told', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, buyer, contact } = await activeSubscription(t, shop.shopId);
    // The notice run of the notice date never ran; the next day's takes it (catch-up).
    advance(t, Date.parse(`${addDays(sub.nextNoticeDate, 1)}T08:00:00+09:00`) - t.system.clock.now().getTime());
    const moved = addDays(sub.nextDeliveryDate, 1);
    expect(await processNotice(deps, noticeItem(sub, { date: addDays(sub.nextNoticeDate, 1) }))).toMatchObject({ status: 'noticed', deliveryDate: moved, movedFrom: sub.nextDeliveryDate });

    const detail = (await t.call('GET', `/subscriptions/${sub.id}`, { token: buyer })).body;
    expect(detail).toMatchObject({ nextDeliveryDate: moved, nextNoticeDate: addDays(moved, -2), nextChargeDate: addDays(moved, -1) });
    expect(detail.cycles).toEqual([expect.objectContaining({ deliveryDate: moved, chargeDate: addDays(moved, -1), status: 'NOTICED', movedFrom: sub.nextDeliveryDate })]);
    expect(await cycleOf(sub)).toBeUndefined();
    expect(await dueOn(deps, 'CHARGE', addDays(moved, -1))).toContain(`${sub.id}|${moved}`);
    const mail = (await outbox(t, contact.email))[0]!;
    expect(mail.body).toContain(`결제 예정일: ${koreanDate(addDays(moved, -1))}`);
    expect(mail.body).toContain('※ 안내가 늦어져');
    const operator = await outbox(t, shop.operatorEmail);
    expect(operator.map((m) => m.kind)).toEqual(['late-notice']);
    expect(operator[0]!.body).toContain(sub.id);
  });

  it("late at a shop that delivers on weekdays only: the rule's Saturday becomes Monday, never earlier (issue 14's calendar)", async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub } = await activeSubscription(t, shop.shopId);
    const weekdaysOnly = { avoid: { sundays: true, saturdays: true, publicHolidays: false }, shift: 'earlier' };
    expect((await t.call('PUT', '/admin/settings/delivery', { token: shop.admin, body: weekdaysOnly })).status).toBe(200);
    // Late by as many days as put the rule's delivery (the notice day + 2) on a Saturday.
    const weekdayOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
    const late = [1, 2, 3, 4, 5, 6, 7].find((days) => weekdayOf(addDays(sub.nextNoticeDate, days + 2)) === 6)!;
    const day = addDays(sub.nextNoticeDate, late);
    advance(t, Date.parse(`${day}T08:00:00+09:00`) - t.system.clock.now().getTime());
    const monday = addDays(day, 4);
    expect(await processNotice(deps, noticeItem(sub, { date: day }))).toMatchObject({ status: 'noticed', deliveryDate: monday, movedFrom: sub.nextDeliveryDate });
    expect(await dueOn(deps, 'CHARGE', addDays(monday, -1))).toContain(`${sub.id}|${monday}`);
  });
});

describe('nothing to notice', () => {
  it('a cancelled subscription: its plan is withdrawn, nothing sent', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, buyer, contact, smsTo } = await activeSubscription(t, shop.shopId);
    await t.call('POST', `/subscriptions/${sub.id}/cancel`, { token: buyer, body: {} });
    // The cancel withdrew the plan already; a stale index hit finds nothing.
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'not-found' });
    expect((await deps.subscriptions.getWithCycles(sub.id))?.cycles).toEqual([]);
    expect(await outbox(t, contact.email)).toEqual([]);
    expect(await outbox(t, smsTo)).toEqual([]);
    expect(await credits(shop.admin)).toMatchObject({ sms: 10 });
  });

  it('a plan whose subscription never finished its checkout is withdrawn', async () => {
    const shop = await shopWithCredits(t, 10);
    const buyer = await t.token('customer', shop.shopId, 'pending-buyer');
    const start = await earliestStart(t, shop.shopId);
    const pending = (await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start, { contact: { email: 'pending@notice.example', phone: '010-9999-0001' } }) })).body.subscription;
    // As a checkout that died between planning the first delivery and activating leaves it.
    await deps.cycles.schedule({ subscriptionId: pending.id, shopId: shop.shopId, customerId: 'pending-buyer', deliveryDate: start, noticeDate: addDays(start, -2), chargeDate: addDays(start, -1), status: 'SCHEDULED', amount: 0, items: [] });
    expect(await processNotice(deps, noticeItem({ id: pending.id, shopId: shop.shopId, nextNoticeDate: addDays(start, -2), nextDeliveryDate: start }))).toEqual({ status: 'skipped', reason: 'withdrawn' });
    expect(await deps.cycles.get({ subscriptionId: pending.id, deliveryDate: start })).toBeUndefined();
    expect(await outbox(t, 'pending@notice.example')).toEqual([]);
  });

  it('a shop whose service is no longer ACTIVE (S21: changing the PG stops it)', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    expect((await t.call('PUT', '/admin/service/pg', { token: shop.admin, body: { cardPg: 'kcp' } })).status).toBeLessThan(300);
    // While STOPPING the shop's state alone keeps the notice back; once the stop job ran, the plan is gone (S22).
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: expect.stringMatching(/^(service-not-active|not-found)$/) });
    await t.system.queues.drain();
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'not-found' });
    expect(await outbox(t, contact.email)).toEqual([]);
    expect(await outbox(t, smsTo)).toEqual([]);
  });

  it('a subscription or cycle that does not exist', async () => {
    expect(await processNotice(deps, noticeItem({ id: 'no-such-subscription', shopId: 'nowhere', nextNoticeDate: '2026-12-01', nextDeliveryDate: '2026-12-03' }))).toEqual({ status: 'skipped', reason: 'not-found' });
  });
});

describe('the notice worker handler (SQS, Powertools batch)', () => {
  it('processes every item of each message and does nothing more on a redelivery; a message that is not work fails alone', async () => {
    const { handler } = await import('../../functions/handlers/notice-worker.handler.ts');
    const shop = await shopWithCredits(t, 10);
    const subs = await activeSubscriptions(shop.shopId, 3);
    const record = (messageId: string, body: string) => ({ messageId, receiptHandle: 'handle', body, attributes: { ApproximateReceiveCount: '1' }, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:ap-northeast-2:123456789012:notice-work', awsRegion: 'ap-northeast-2' });
    const good = record('0b6f1c7e-2a49-4d3b-9f0e-5c8a7d6e4b21', JSON.stringify(message('0b6f1c7e', subs.map((s) => s.subscription))));
    const bad = record('9a1d3c5e-0000-4000-8000-000000000001', JSON.stringify({ kind: 'NOTICE', keys: [] }));
    const event = { Records: [good, bad] } as unknown as SQSEvent;
    const context = {} as Parameters<typeof handler>[1];

    expect(await handler(event, context)).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(await handler({ Records: [good] } as unknown as SQSEvent, context)).toEqual({ batchItemFailures: [] });
    for (const { contact, smsTo } of subs) {
      expect(await outbox(t, contact.email)).toHaveLength(1);
      expect(await outbox(t, smsTo)).toHaveLength(1);
    }
    expect(await credits(shop.admin)).toMatchObject({ sms: 7, reserved: { sms: 0 } });
    // A batch of nothing but failures fails the invocation (Lambda counts it as an error).
    await expect(handler({ Records: [bad] } as unknown as SQSEvent, context)).rejects.toThrow();
  });
});

describe('issue 14: the notice ends a subscription before a cycle it cannot deliver', () => {
  const activeCount = async (admin: string) => (await t.call('GET', '/admin/service', { token: admin })).body.stats.activeSubscriptions as number;
  const kindsTo = async (to: string) => (await outbox(t, to)).map((item) => item.kind);
  /** The shop's events about one subscription, as the local bus recorded them. */
  const eventsAbout = async (subscriptionId: string) =>
    ((await t.call('GET', '/_local/outbox')).body.items as Array<{ channel: string; kind: string; body: string }>)
      .filter((item) => item.channel === 'event')
      .map((item) => ({ kind: item.kind, ...(JSON.parse(item.body) as { subscriptionId: string; reason?: string }) }))
      .filter((event) => event.subscriptionId === subscriptionId && !event.kind.startsWith('subscription.cycle.') && event.kind !== 'subscription.created' && event.kind !== 'subscription.activated');

  it('nothing left to deliver (maxDeliveries lowered below what was charged): COMPLETED, the buyer mailed once, out of the S6 count, the plan withdrawn', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact } = await activeSubscription(t, shop.shopId, { items: [{ productId: 'beans', quantity: 1 }] });
    await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, maxDeliveries: 1 } });
    const stored = (await deps.subscriptions.get(sub.id))!;
    expect(await deps.subscriptions.update({ ...stored, chargedDeliveries: 1 }, stored.version ?? 0)).toBe(true);
    const before = await activeCount(shop.admin);

    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'completed' });
    expect(await deps.subscriptions.get(sub.id)).toMatchObject({ status: 'COMPLETED', completedWith: sub.nextDeliveryDate, nextDeliveryDate: null });
    expect(await cycleOf(sub)).toBeUndefined();
    expect(await kindsTo(contact.email)).toEqual(['subscription-completed']);
    expect(await activeCount(shop.admin)).toBe(before - 1);
    expect(await eventsAbout(sub.id)).toEqual([expect.objectContaining({ kind: 'subscription.completed', deliveries: 1, lastDeliveryDate: sub.nextDeliveryDate })]);
  });

  it.each([
    ['price-increase-ended', 'CANCELLED'],
    ['subscription-completed', 'COMPLETED'],
  ])('a crash after the subscription was ended (%s): the rerun finishes the follow-ups once and withdraws the plan', async (kind, status) => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact } = await activeSubscription(t, shop.shopId);
    const stored = (await deps.subscriptions.get(sub.id))!;
    const { completeBefore, endForRefusedIncrease } = await import('../../functions/domain/subscription.ts');
    const ended = status === 'COMPLETED' ? completeBefore(stored, sub.nextDeliveryDate, 'now') : endForRefusedIncrease(stored, sub.nextDeliveryDate, 'now');
    expect(await deps.subscriptions.update(ended, stored.version ?? 0)).toBe(true);
    const before = await activeCount(shop.admin);

    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'withdrawn' });
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'not-found' });
    expect(await kindsTo(contact.email)).toEqual([kind]);
    expect(await activeCount(shop.admin)).toBe(before - 1);
    // The shop's event too (issue 13's webhooks): the end as it was decided.
    const ends = await eventsAbout(sub.id);
    expect(ends.length).toBeGreaterThan(0);
    expect(new Set(ends.map((event) => JSON.stringify(status === 'COMPLETED' ? { kind: event.kind } : { kind: event.kind, reason: event.reason })))).toEqual(
      new Set([JSON.stringify(status === 'COMPLETED' ? { kind: 'subscription.completed' } : { kind: 'subscription.cancelled', reason: 'price-increase-refused' })]),
    );
    expect(await dueOn(deps, 'NOTICE', sub.nextNoticeDate)).not.toContain(`${sub.id}|${sub.nextDeliveryDate}`);
  });
});

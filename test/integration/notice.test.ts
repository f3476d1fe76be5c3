/**
 * The D-2 payment notice of one subscription (S11, S12, S17, S18), against the
 * embedded engine through the real local system: shops, buyers and
 * subscriptions are made through the HTTP API, `processNotice` runs with the
 * deployed wiring, and what was sent is read back from the local outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { keys, subscriptionIdFromKey } from '../../functions/adapters/dynamodb/keys.ts';
import { addDays } from '../../functions/core/dates.ts';
import type { NotificationRef } from '../../functions/adapters/dynamodb/notifications.repo.ts';
import { debitOperationId } from '../../functions/domain/credits.ts';
import { koreanDate } from '../../functions/notifications/payment-notice.ts';
import { snsSmsChannel } from '../../functions/notifications/sms-parts.ts';
import { openNoticeScope, processNotice } from '../../functions/use-cases/runs/notice.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeSubscription, noticeItem, outbox, shopWithCredits } from '../support/notice-fixtures.ts';
import { beans, earliestStart, registerContracts, signUpBody } from '../support/storefront.ts';

let t: TestSystem;
let deps: typeof import('../../functions/wiring.ts')['deps'];
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  ({ deps } = await import('../../functions/wiring.ts'));
});
afterAll(() => t?.stop());

const smsRef = (subscriptionId: string, deliveryDate: string): NotificationRef => ({ to: 'customer', subscriptionId, deliveryDate, kind: 'payment-notice', channel: 'sms' });
const mailRef = (subscriptionId: string, deliveryDate: string): NotificationRef => ({ to: 'customer', subscriptionId, deliveryDate, kind: 'payment-notice', channel: 'mail' });

async function dueKeys(kind: 'NOTICE' | 'CHARGE', date: string): Promise<string[]> {
  const found: string[] = [];
  for await (const key of deps.dueWork.findDue(kind, date)) found.push(key.pk);
  return found;
}

/** `count` ACTIVE subscriptions of the shop, one after another (each buyer with its own contact). */
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

const credits = async (admin: string) => (await t.call('GET', '/admin/credits', { token: admin })).body as { sms: number; reserved: { sms: number } };
const ledger = async (admin: string) => (await t.call('GET', '/admin/credits/ledger?limit=100', { token: admin })).body.items as Array<{ id: string; change: number; reason: string }>;
const noticeDebits = async (admin: string) => (await ledger(admin)).filter((entry) => entry.reason === 'payment-notice');

describe('S17, S18: the payment notice locks the cycle and announces it', () => {
  it('locks the ACTIVE items at their current prices, sends mail and SMS, and leaves the NOTICE index', async () => {
    const shop = await shopWithCredits(t, 10);
    // S18: the amount is fixed at the notice, at the price of that day — not the price at signup.
    const { subscription: sub, buyer, contact, smsTo } = await activeSubscription(t, shop.shopId);
    await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 27_000 } });
    await t.system.queues.drain(); // the price-change notice job (issue 14) runs to its end
    expect(await dueKeys('NOTICE', sub.nextNoticeDate)).toContain(keys.subscription(sub.id).pk);

    const outcome = await processNotice(deps, noticeItem(sub));

    expect(outcome).toEqual({ status: 'noticed', deliveryDate: sub.nextDeliveryDate, amount: 2 * 27_000 + 18_000, mail: 'sent', sms: 'sent' });
    const detail = (await t.call('GET', `/subscriptions/${sub.id}`, { token: buyer })).body;
    expect(detail.cycles).toEqual([
      {
        deliveryDate: sub.nextDeliveryDate,
        noticeDate: sub.nextNoticeDate,
        chargeDate: sub.nextChargeDate,
        status: 'NOTICED',
        amount: 72_000,
        items: [
          { productId: 'beans', quantity: 2, unitPrice: 27_000 },
          { productId: 'drip', quantity: 1, unitPrice: 18_000 },
        ],
      },
    ]);
    expect(await dueKeys('NOTICE', sub.nextNoticeDate)).not.toContain(keys.subscription(sub.id).pk);
    expect(await dueKeys('CHARGE', sub.nextChargeDate)).toContain(keys.subscription(sub.id).pk);
    expect((await deps.subscriptions.get(sub.id))?.noticedDeliveryDate).toBe(sub.nextDeliveryDate);

    // The rise above also sends its price-change notice (issue 14, price-change.test.ts): this test reads the payment notice.
    const notices = (items: Awaited<ReturnType<typeof outbox>>) => items.filter((item) => item.kind !== 'price-change');
    const [mail, ...moreMail] = notices(await outbox(t, contact.email));
    expect(moreMail).toEqual([]);
    expect(mail).toMatchObject({ channel: 'mail', kind: 'payment-notice' });
    expect(mail!.subject).toContain('정기배송 결제 예정 안내');
    expect(mail!.body).toContain('결제 예정 금액: 72,000원');
    expect(mail!.body).toContain(`배송 예정일: ${koreanDate(sub.nextDeliveryDate)}`);
    expect(mail!.body).toContain(`결제 예정일: ${koreanDate(sub.nextChargeDate)}`);
    expect(mail!.body).toContain('- Beans 1kg 2개 × 27,000원 = 54,000원');
    expect(mail!.body).toContain('Sandbox Card ****0001');
    expect(mail!.body).toContain('정기배송 관리');
    expect(mail!.body).not.toContain('9410');

    const [sms, ...moreSms] = notices(await outbox(t, smsTo));
    expect(moreSms).toEqual([]);
    expect(sms).toMatchObject({ channel: 'sms', kind: 'payment-notice' });
    expect(sms!.body).toContain('72,000원');
    expect(sms!.body).toContain('Beans 1kg 외 1건');
    expect(snsSmsChannel.measure(sms!.body).parts).toBe(1); // issue 14: one part of what SNS bills

    // S12: one SMS credit, under the operation id of (subscription, delivery).
    expect(await noticeDebits(shop.admin)).toEqual([expect.objectContaining({ id: debitOperationId('payment-notice', sub.id, sub.nextDeliveryDate, 'sms'), change: -1 })]);
    // …and the price-change SMS its one credit (issue 14).
    expect(await credits(shop.admin)).toMatchObject({ sms: 8, reserved: { sms: 0 } });
    expect(await deps.notifications.get(smsRef(sub.id, sub.nextDeliveryDate))).toMatchObject({ state: 'SENT', attempts: 1, messageId: expect.any(String) });
    expect(await deps.notifications.get(mailRef(sub.id, sub.nextDeliveryDate))).toMatchObject({ state: 'SENT', attempts: 1 });
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

  it('S18: a rerun announces the cycle already locked, never a recomputed amount', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact } = await activeSubscription(t, shop.shopId);
    // A first attempt locked the cycle and died before announcing it; prices changed since.
    const locked = { subscriptionId: sub.id, deliveryDate: sub.nextDeliveryDate, noticeDate: sub.nextNoticeDate, chargeDate: sub.nextChargeDate, status: 'NOTICED' as const, amount: 68_000, items: [{ productId: 'beans', quantity: 2, unitPrice: 25_000 }, { productId: 'drip', quantity: 1, unitPrice: 18_000 }] };
    expect(await deps.subscriptions.putCycle(locked)).toBe(true);
    await t.call('PUT', '/admin/products/beans', { token: shop.admin, body: { ...beans, price: 40_000 } });

    expect(await processNotice(deps, noticeItem(sub))).toMatchObject({ status: 'noticed', amount: 68_000 });
    expect((await deps.subscriptions.getWithCycles(sub.id))?.cycles).toEqual([expect.objectContaining({ amount: 68_000 })]);
    expect((await outbox(t, contact.email))[0]?.body).toContain('결제 예정 금액: 68,000원');
  });

  it('announces only the ACTIVE items (a partial cancel before the notice is out of the cycle)', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, buyer } = await activeSubscription(t, shop.shopId);
    await t.call('POST', `/subscriptions/${sub.id}/cancel`, { token: buyer, body: { productIds: ['drip'] } });
    expect(await processNotice(deps, noticeItem(sub))).toMatchObject({ status: 'noticed', amount: 50_000 });
    expect((await deps.subscriptions.getWithCycles(sub.id))?.cycles[0]?.items).toEqual([{ productId: 'beans', quantity: 2, unitPrice: 25_000 }]);
  });

  it('leaves out a product that is no longer in the catalogue', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact } = await activeSubscription(t, shop.shopId);
    await removeProduct(shop.shopId, 'drip');
    expect(await processNotice(deps, noticeItem(sub))).toMatchObject({ status: 'noticed', amount: 50_000 });
    expect((await deps.subscriptions.getWithCycles(sub.id))?.cycles[0]?.items).toEqual([{ productId: 'beans', quantity: 2, unitPrice: 25_000 }]);
    expect((await outbox(t, contact.email))[0]?.body).not.toContain('Drip');
  });

  it('with no announced product left: the cycle is SKIPPED, nothing is sent, and the subscription moves on to its next delivery', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    await removeProduct(shop.shopId, 'beans');
    await removeProduct(shop.shopId, 'drip');
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'nothing-to-charge' });

    const stored = await deps.subscriptions.getWithCycles(sub.id);
    expect(stored?.cycles).toEqual([expect.objectContaining({ deliveryDate: sub.nextDeliveryDate, status: 'SKIPPED', amount: 0, items: [] })]);
    // Cycle '2w': the next delivery two weeks on, due for its own notice then (a SKIPPED cycle is never charged, so nothing else would move it).
    const next = addDays(sub.nextDeliveryDate, 14);
    expect(stored).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: next, nextNoticeDate: addDays(next, -2), nextChargeDate: addDays(next, -1) });
    expect(stored?.noticedDeliveryDate).toBeUndefined();
    expect(await dueKeys('NOTICE', addDays(next, -2))).toContain(keys.subscription(sub.id).pk);
    expect(await dueKeys('CHARGE', sub.nextChargeDate)).not.toContain(keys.subscription(sub.id).pk);
    expect(await outbox(t, contact.email)).toEqual([]);
    expect(await outbox(t, smsTo)).toEqual([]);
    // A redelivery of the same item finds the subscription moved on.
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'not-due' });
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
    // The mail has room for everything, whole.
    expect((await outbox(t, contact.email))[0]?.body).toContain(`- ${longName} 3개 × 1,234,000원 = 3,702,000원`);
  });
});

describe('S11: the shop’s payment-notice settings', () => {
  const settings = (shop: { operatorEmail: string }, paymentNotice: { mail: boolean; sms: boolean }) => ({
    paymentNotice,
    autoCancel: { customerMail: true, operatorMail: true },
    operatorEmail: shop.operatorEmail,
  });

  it('mail off: only the SMS goes out', async () => {
    const shop = await shopWithCredits(t, 10);
    expect((await t.call('PUT', '/admin/settings/notifications', { token: shop.admin, body: settings(shop, { mail: false, sms: true }) })).status).toBe(200);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    expect(await processNotice(deps, noticeItem(sub))).toMatchObject({ status: 'noticed', mail: 'off', sms: 'sent' });
    expect(await outbox(t, contact.email)).toEqual([]);
    expect(await outbox(t, smsTo)).toHaveLength(1);
  });

  it('SMS off: only the mail goes out, and no SMS credit is spent', async () => {
    const shop = await shopWithCredits(t, 10);
    await t.call('PUT', '/admin/settings/notifications', { token: shop.admin, body: settings(shop, { mail: true, sms: false }) });
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    expect(await processNotice(deps, noticeItem(sub))).toMatchObject({ status: 'noticed', mail: 'sent', sms: 'off' });
    expect(await outbox(t, contact.email)).toHaveLength(1);
    expect(await outbox(t, smsTo)).toEqual([]);
    expect(await credits(shop.admin)).toMatchObject({ sms: 10 });
    // Off is still noticed: the cycle is locked and the subscription leaves the NOTICE index.
    expect((await deps.subscriptions.get(sub.id))?.noticedDeliveryDate).toBe(sub.nextDeliveryDate);
  });
});

describe('S12: SMS credits', () => {
  it('without credits: no SMS, NO_CREDIT recorded, the mail still goes out, the operator is mailed once that day', async () => {
    const shop = await shopWithCredits(t);
    const subs = await activeSubscriptions(shop.shopId, 3);
    // One run's items, on their own and in a message of their own.
    expect(await processNotice(deps, noticeItem(subs[0]!.subscription))).toMatchObject({ status: 'noticed', mail: 'sent', sms: 'no-credit' });
    const scope = openNoticeScope(deps, { messageId: 'dry-message', date: subs[1]!.subscription.nextNoticeDate, keys: subs.slice(1).map((s) => keys.subscription(s.subscription.id)) });
    for (const { subscription } of subs.slice(1)) expect(await processNotice(deps, noticeItem(subscription), scope)).toMatchObject({ sms: 'no-credit' });
    await scope.close();

    for (const { subscription, contact, smsTo } of subs) {
      expect(await outbox(t, smsTo)).toEqual([]);
      expect(await outbox(t, contact.email)).toHaveLength(1);
      expect(await deps.notifications.get(smsRef(subscription.id, subscription.nextDeliveryDate))).toMatchObject({ state: 'NO_CREDIT' });
      expect((await deps.subscriptions.get(subscription.id))?.noticedDeliveryDate).toBe(subscription.nextDeliveryDate);
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
    const subs = await activeSubscriptions(shop.shopId, 3);
    const date = subs[0]!.subscription.nextNoticeDate;
    const scope = openNoticeScope(deps, { messageId: 'short-message', date, keys: subs.map((s) => keys.subscription(s.subscription.id)) });
    const outcomes = [];
    for (const { subscription } of subs) outcomes.push(await processNotice(deps, noticeItem(subscription), scope));
    await scope.close();

    expect(outcomes.map((outcome) => (outcome.status === 'noticed' ? outcome.sms : outcome.status))).toEqual(['sent', 'sent', 'no-credit']);
    expect((await noticeDebits(shop.admin)).map((entry) => entry.id).sort()).toEqual(subs.slice(0, 2).map(({ subscription: s }) => debitOperationId('payment-notice', s.id, s.nextDeliveryDate, 'sms')).sort());
    expect(await credits(shop.admin)).toMatchObject({ sms: 0, reserved: { sms: 0 } });
    expect(await outbox(t, shop.operatorEmail)).toHaveLength(1);
  });

  it('a message debits its SMS from one block and returns the rest to the balance', async () => {
    const shop = await shopWithCredits(t, 100);
    const subs = await activeSubscriptions(shop.shopId, 3);
    const scope = openNoticeScope(deps, { messageId: 'block-message', date: subs[0]!.subscription.nextNoticeDate, keys: subs.map((s) => keys.subscription(s.subscription.id)) });
    await processNotice(deps, noticeItem(subs[0]!.subscription), scope);
    // While the message runs, its block holds what it may need (one credit per notice in the message).
    expect(await credits(shop.admin)).toMatchObject({ sms: 97, reserved: { sms: 3 } });
    for (const { subscription } of subs.slice(1)) await processNotice(deps, noticeItem(subscription), scope);
    await scope.close();
    expect(await credits(shop.admin)).toMatchObject({ sms: 97, reserved: { sms: 0 } });
    expect(await noticeDebits(shop.admin)).toHaveLength(3);
  });

  it('sizes a block to the shop’s notices in the message, so that concurrent messages share a low balance', async () => {
    const low = await shopWithCredits(t, 3);
    const other = await shopWithCredits(t, 10);
    const [x1, x2, x3] = await activeSubscriptions(low.shopId, 3);
    const [y1, y2] = await activeSubscriptions(other.shopId, 2);
    const date = x1!.subscription.nextNoticeDate;
    const messageOf = (messageId: string, subs: Array<typeof x1>) => ({ messageId, date, keys: subs.map((s) => keys.subscription(s!.subscription.id)) });
    // Two workers at once: A (one notice of the low shop among three) and B (two of them). A's block must not hold all three credits.
    const a = openNoticeScope(deps, messageOf('sized-a', [y1, x1, y2]));
    const b = openNoticeScope(deps, messageOf('sized-b', [x2, x3]));
    await processNotice(deps, noticeItem(y1!.subscription), a);
    await processNotice(deps, noticeItem(x1!.subscription), a);
    expect(await credits(low.admin)).toMatchObject({ sms: 2, reserved: { sms: 1 } });
    for (const sub of [x2, x3]) expect(await processNotice(deps, noticeItem(sub!.subscription), b)).toMatchObject({ sms: 'sent' });
    await processNotice(deps, noticeItem(y2!.subscription), a);
    await Promise.all([a.close(), b.close()]);

    for (const sub of [x1, x2, x3, y1, y2]) expect(await outbox(t, sub!.smsTo)).toHaveLength(1);
    expect(await credits(low.admin)).toMatchObject({ sms: 0, reserved: { sms: 0 } });
    expect(await credits(other.admin)).toMatchObject({ sms: 8, reserved: { sms: 0 } });
    expect(await outbox(t, low.operatorEmail)).toEqual([]);
  });

  it('a redelivered message goes on from its block if its worker died, and takes a new one if its block was closed', async () => {
    const shop = await shopWithCredits(t, 100);
    const subs = await activeSubscriptions(shop.shopId, 3);
    const message = { messageId: 'redelivered-message', date: subs[0]!.subscription.nextNoticeDate, keys: subs.map((s) => keys.subscription(s.subscription.id)) };

    // Delivery 1 dies after its first item: its block stays open.
    await processNotice(deps, noticeItem(subs[0]!.subscription), openNoticeScope(deps, message));
    // Delivery 2 finds the block ACTIVE, spends from it, and releases it.
    const second = openNoticeScope(deps, message);
    for (const { subscription } of subs.slice(0, 2)) await processNotice(deps, noticeItem(subscription), second);
    await second.close();
    expect(await credits(shop.admin)).toMatchObject({ sms: 98, reserved: { sms: 0 } });
    // Delivery 3 (say the item after failed): the first block is closed, so it opens the next one.
    const third = openNoticeScope(deps, message);
    for (const { subscription } of subs) await processNotice(deps, noticeItem(subscription), third);
    await third.close();

    expect(await credits(shop.admin)).toMatchObject({ sms: 97, reserved: { sms: 0 } });
    expect(await noticeDebits(shop.admin)).toHaveLength(3);
    for (const { smsTo } of subs) expect(await outbox(t, smsTo)).toHaveLength(1);
    // Blocks are named after the message and its date; each delivery that closed one moves to the next generation.
    const block = (generation: number) => deps.credits.block({ shopId: shop.shopId, kind: 'sms', blockId: `notice:${message.date}:${message.messageId}:${generation}` });
    expect(await block(0)).toMatchObject({ state: 'RELEASED', granted: 3, spent: 2, refunded: 1 });
    // Sized to what was still due in the message: one notice.
    expect(await block(1)).toMatchObject({ state: 'RELEASED', granted: 1, spent: 1, refunded: 0 });
    expect(await block(2)).toBeUndefined();
  });
});

describe('idempotency: at-least-once delivery and overlapping workers', () => {
  it('the same item twice in a row: one cycle, one mail, one SMS, one credit', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    await processNotice(deps, noticeItem(sub));
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'already-noticed' });
    expect((await deps.subscriptions.getWithCycles(sub.id))?.cycles).toHaveLength(1);
    expect(await outbox(t, contact.email)).toHaveLength(1);
    expect(await outbox(t, smsTo)).toHaveLength(1);
    expect(await noticeDebits(shop.admin)).toHaveLength(1);
    expect(await credits(shop.admin)).toMatchObject({ sms: 9, reserved: { sms: 0 } });
  });

  it('the same item twice at once: one cycle, one mail, one SMS, one credit', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    const outcomes = await Promise.all([processNotice(deps, noticeItem(sub)), processNotice(deps, noticeItem(sub))]);
    expect(outcomes.every((outcome) => outcome.status === 'noticed' || (outcome.status === 'skipped' && outcome.reason === 'already-noticed'))).toBe(true);
    const channels = outcomes.flatMap((outcome) => (outcome.status === 'noticed' ? [outcome.mail, outcome.sms] : []));
    expect(channels.filter((channel) => channel === 'sent')).toHaveLength(2);
    expect((await deps.subscriptions.getWithCycles(sub.id))?.cycles).toHaveLength(1);
    expect(await outbox(t, contact.email)).toHaveLength(1);
    expect(await outbox(t, smsTo)).toHaveLength(1);
    expect(await noticeDebits(shop.admin)).toHaveLength(1);
    expect(await credits(shop.admin)).toMatchObject({ sms: 9, reserved: { sms: 0 } });
  });

  it('the same message on two workers at once (a duplicate SQS delivery): each notice once', async () => {
    const shop = await shopWithCredits(t, 10);
    const subs = await activeSubscriptions(shop.shopId, 3);
    const message = { messageId: 'duplicate-delivery', date: subs[0]!.subscription.nextNoticeDate, keys: subs.map((s) => keys.subscription(s.subscription.id)) };
    const worker = async () => {
      const scope = openNoticeScope(deps, message);
      for (const { subscription } of subs) await processNotice(deps, noticeItem(subscription, { messageId: message.messageId }), scope);
      await scope.close();
    };
    await Promise.all([worker(), worker()]);
    for (const { contact, smsTo } of subs) {
      expect(await outbox(t, contact.email)).toHaveLength(1);
      expect(await outbox(t, smsTo)).toHaveLength(1);
    }
    expect(await noticeDebits(shop.admin)).toHaveLength(3);
    expect(await credits(shop.admin)).toMatchObject({ sms: 7, reserved: { sms: 0 } });
  });
});

describe('nothing to notice', () => {
  const expectNothingSent = async (sub: { id: string }, contact: { email: string }, smsTo: string) => {
    expect((await deps.subscriptions.getWithCycles(sub.id))?.cycles ?? []).toEqual([]);
    expect(await outbox(t, contact.email)).toEqual([]);
    expect(await outbox(t, smsTo)).toEqual([]);
  };

  it('a cancelled subscription', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, buyer, contact, smsTo } = await activeSubscription(t, shop.shopId);
    await t.call('POST', `/subscriptions/${sub.id}/cancel`, { token: buyer, body: {} });
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'not-active' });
    await expectNothingSent(sub, contact, smsTo);
    expect(await credits(shop.admin)).toMatchObject({ sms: 10 });
  });

  it('a subscription still waiting for its card (PENDING_PAYMENT)', async () => {
    const shop = await shopWithCredits(t, 10);
    const buyer = await t.token('customer', shop.shopId, 'pending-buyer');
    const start = await earliestStart(t, shop.shopId);
    const contact = { email: 'pending@notice.example', phone: '010-9999-0001' };
    const pending = (await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start, { contact }) })).body.subscription;
    const item = noticeItem({ id: pending.id, nextNoticeDate: start });
    expect(await processNotice(deps, item)).toEqual({ status: 'skipped', reason: 'not-active' });
    expect(await outbox(t, contact.email)).toEqual([]);
  });

  it('a shop whose service is no longer ACTIVE (S21: changing the PG stops it)', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    expect((await t.call('PUT', '/admin/service/pg', { token: shop.admin, body: { cardPg: 'kcp' } })).status).toBeLessThan(300);
    expect((await t.call('GET', '/admin/service', { token: shop.admin })).body.status).not.toBe('ACTIVE');
    // While STOPPING the shop's state alone keeps the notice back (the job may not have reached this
    // subscription yet); once the stop job ran, the subscription itself is cancelled (S22).
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: expect.stringMatching(/^(service-not-active|not-active)$/) });
    await t.system.queues.drain();
    expect(await processNotice(deps, noticeItem(sub))).toEqual({ status: 'skipped', reason: 'not-active' });
    await expectNothingSent(sub, contact, smsTo);
  });

  it('an index entry that lags behind the item: the notice date is not the run’s date', async () => {
    const shop = await shopWithCredits(t, 10);
    const { subscription: sub, contact, smsTo } = await activeSubscription(t, shop.shopId);
    expect(await processNotice(deps, noticeItem(sub, { date: '2020-01-01' }))).toEqual({ status: 'skipped', reason: 'not-due' });
    await expectNothingSent(sub, contact, smsTo);
  });

  it('a subscription that does not exist, or a key that is not a subscription', async () => {
    expect(await processNotice(deps, noticeItem({ id: 'no-such-subscription', nextNoticeDate: '2026-12-01' }))).toEqual({ status: 'skipped', reason: 'not-found' });
    expect(await processNotice(deps, { ...noticeItem({ id: 'x', nextNoticeDate: '2026-12-01' }), key: keys.shop('x') })).toEqual({ status: 'skipped', reason: 'not-a-notice' });
    expect(await processNotice(deps, { ...noticeItem({ id: 'x', nextNoticeDate: '2026-12-01' }), kind: 'CHARGE' })).toEqual({ status: 'skipped', reason: 'not-a-notice' });
    expect(subscriptionIdFromKey(keys.subscription('sub-1'))).toBe('sub-1');
    expect(subscriptionIdFromKey(keys.cycle('sub-1', '2026-12-01'))).toBeUndefined();
    expect(subscriptionIdFromKey({ pk: 'SUB#a#b', sk: 'SUB' })).toBeUndefined();
  });
});

describe('the notice worker handler (SQS)', () => {
  it('processes every key of each message, releases its credit blocks, and does nothing more on a redelivery', async () => {
    const { handler } = await import('../../functions/handlers/notice-worker.handler.ts');
    const shopA = await shopWithCredits(t, 10);
    const shopB = await shopWithCredits(t, 5);
    const a1 = await activeSubscription(t, shopA.shopId);
    const a2 = await activeSubscription(t, shopA.shopId);
    const b1 = await activeSubscription(t, shopB.shopId);
    const date = a1.subscription.nextNoticeDate;
    expect([a2.subscription.nextNoticeDate, b1.subscription.nextNoticeDate]).toEqual([date, date]);
    const body = { kind: 'NOTICE', date, scheduledTime: `${date}T08:00:00+09:00`, keys: [a1, b1, a2].map(({ subscription }) => keys.subscription(subscription.id)) };
    const event = {
      Records: [
        { messageId: '0b6f1c7e-2a49-4d3b-9f0e-5c8a7d6e4b21', receiptHandle: 'handle', body: JSON.stringify(body), attributes: { ApproximateReceiveCount: '1' }, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:ap-northeast-2:123456789012:notice-work', awsRegion: 'ap-northeast-2' },
      ],
    } as unknown as SQSEvent;

    expect(await handler(event)).toEqual({ batchItemFailures: [] });
    expect(await handler(event)).toEqual({ batchItemFailures: [] });

    for (const { contact, smsTo } of [a1, a2, b1]) {
      expect(await outbox(t, contact.email)).toHaveLength(1);
      expect(await outbox(t, smsTo)).toHaveLength(1);
    }
    expect(await credits(shopA.admin)).toMatchObject({ sms: 8, reserved: { sms: 0 } });
    expect(await credits(shopB.admin)).toMatchObject({ sms: 4, reserved: { sms: 0 } });
  });
});

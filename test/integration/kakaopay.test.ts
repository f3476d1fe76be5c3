/**
 * Contract tests of the KakaoPay adapter against a stub that enforces
 * KakaoPay's subscription flow (test/support/kakaopay-stub().ts): SECRET_KEY auth
 * and the shop's own CID, ready → the buyer's approval (pg_token) → approve →
 * sid, charges on the sid for its own user, inactive on deletion (S22). No
 * lookup by our order id: supportsLookup false, an unknown outcome is UNKNOWN
 * (the charge run sends it to REVIEW).
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { kakaoPayGateway, type KakaoPayOptions } from '../../functions/adapters/gateways/kakaopay.ts';
import { startKakaoPayStub, type KakaoMerchant, type KakaoWindowChoice } from '../support/kakaopay-stub.ts';
import { captureLogs, chargeOf, closedPortUrl, useStub } from '../support/pg-test-helpers.ts';

const SHOP_A: KakaoMerchant = { secretKey: 'DEVSK-shop-a-0001', cid: 'TCSUBSCRIP' };
const SHOP_B: KakaoMerchant = { secretKey: 'DEVSK-shop-b-0002', cid: 'CSHOPB0002' };

const stub = useStub(() => startKakaoPayStub([SHOP_A, SHOP_B]));

const gateway = (merchant: KakaoMerchant = SHOP_A, overrides: Partial<KakaoPayOptions> = {}) =>
  kakaoPayGateway({ ...merchant, approvalUrl: 'https://shop.example/kakao/ok', cancelUrl: 'https://shop.example/kakao/cancel', failUrl: 'https://shop.example/kakao/fail', baseUrl: stub().url, timeoutMs: 300, ...overrides });
const last = () => stub().requests.at(-1)!;

/** ready → the buyer approves in KakaoPay's window → approve. */
async function register(choice: KakaoWindowChoice = { method: 'card' }, merchant = SHOP_A) {
  const subscriptionId = randomUUID();
  const customerKey = `cus_${randomUUID()}`;
  const opened = await gateway(merchant).openRegistration({ subscriptionId, customerKey, method: 'kakaopay', itemName: '원두 정기배송' });
  const pgToken = stub().approveInWindow(opened.session!, choice);
  const issued = await gateway(merchant).issueBillingKey({ authKey: pgToken, customerKey, session: opened.session, subscriptionId });
  return { ...issued, customerKey, subscriptionId, pgToken, tid: opened.session! };
}


describe('registration: ready → window → approve', () => {
  it('readies with the shop\'s CID and keeps the tid server-side; approve answers the sid and the masked method', async () => {
    const subscriptionId = randomUUID();
    const opened = await gateway().openRegistration({ subscriptionId, customerKey: 'cus_k1', method: 'kakaopay', itemName: '원두 정기배송' });
    expect(opened.window).toMatchObject({ gateway: 'kakaopay', handsBack: 'pg_token', nextRedirectPcUrl: expect.stringContaining(opened.session!) });
    expect(opened.window).not.toHaveProperty('tid');
    expect(last().headers.authorization).toBe(`SECRET_KEY ${SHOP_A.secretKey}`);
    expect(last().body).toMatchObject({ cid: SHOP_A.cid, partner_order_id: `reg-${subscriptionId}`, partner_user_id: 'cus_k1', quantity: 1, total_amount: 0, tax_free_amount: 0 });

    const pgToken = stub().approveInWindow(opened.session!, { method: 'card' });
    const issued = await gateway().issueBillingKey({ authKey: pgToken, customerKey: 'cus_k1', session: opened.session, subscriptionId });
    expect(issued.card).toEqual({ method: 'kakaopay', issuer: '신한카드', last4: null, cardType: 'check', foreign: false, kakaoPayMethod: 'card' });
    expect(last().body).toEqual({ cid: SHOP_A.cid, tid: opened.session, partner_order_id: `reg-${subscriptionId}`, partner_user_id: 'cus_k1', pg_token: pgToken });
    expect(stub().isSidActive(issued.billingKey)).toBe(true);
  });

  it('records KakaoPay money (S10)', async () => {
    expect((await register({ method: 'money' })).card).toMatchObject({ issuer: '카카오페이머니', kakaoPayMethod: 'money' });
  });

  it('refuses a pg_token used twice, an approve without its ready, and the shop\'s wrong secret key', async () => {
    const card = await register();
    await expect(gateway().issueBillingKey({ authKey: card.pgToken, customerKey: card.customerKey, session: card.tid, subscriptionId: card.subscriptionId })).rejects.toMatchObject({ name: 'GatewayRefusal', code: '-702' });
    await expect(gateway().issueBillingKey({ authKey: 'x', customerKey: 'c' })).rejects.toMatchObject({ code: 'NO_READY' });
    await expect(gateway({ ...SHOP_A, secretKey: 'DEVSK-wrong' }).openRegistration({ subscriptionId: 's', customerKey: 'c', method: 'kakaopay', itemName: 'x' })).rejects.toMatchObject({ code: '-401' });
  });
});

describe('charge on the sid', () => {
  it('charges with the documented body and answers PAID', async () => {
    const card = await register();
    const request = chargeOf(card);
    expect(await gateway().charge(request)).toMatchObject({ status: 'PAID', amount: 32_000, paymentKey: expect.stringMatching(/^T/) });
    expect(last()).toMatchObject({ method: 'POST', url: '/online/v1/payment/subscription' });
    expect(last().body).toEqual({ cid: SHOP_A.cid, sid: card.billingKey, partner_order_id: request.orderId, partner_user_id: card.customerKey, item_name: request.orderName, quantity: 1, total_amount: 32_000, tax_free_amount: 0 });
    expect(stub().captureCount(request.orderId)).toBe(1);
  });

  it('answers an approval failure (-780) DECLINED with the card company\'s answer and our reason', async () => {
    const card = await register({ method: 'card', behaviour: 'decline' });
    const request = chargeOf(card);
    const outcome = await gateway().charge(request);
    expect(outcome).toMatchObject({ status: 'DECLINED', code: '-780', reason: 'ISSUER_DECLINED', detail: expect.stringContaining('8000: 한도초과') });
    expect(stub().captureCount(request.orderId)).toBe(0);
  });

  it('answers a timeout, a 5xx and our own refused keys UNKNOWN, and cannot look a charge up (supportsLookup false)', async () => {
    const card = await register();
    const request = chargeOf(card);
    stub().injectNext('subscription', { delayMs: 1_000 });
    expect(await gateway().charge(request)).toMatchObject({ status: 'UNKNOWN' });
    expect(stub().captureCount(request.orderId)).toBe(1); // taken: only a person can tell (REVIEW)
    stub().injectNext('subscription', { httpStatus: 500 });
    expect(await gateway().charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN' });
    expect(await gateway({ ...SHOP_A, secretKey: 'DEVSK-rotated' }).charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN', message: expect.stringContaining('-401') });
    expect(await gateway(SHOP_A, { baseUrl: await closedPortUrl() }).charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN' });
    expect(gateway().supportsLookup).toBe(false);
    expect(await gateway().findChargeByOrderId(request.orderId)).toMatchObject({ status: 'UNKNOWN' });
  });
});

describe('deleteBillingKey: inactive (S22)', () => {
  it('inactivates the sid, succeeds again for an inactive one, and a charge on it is DECLINED as gone', async () => {
    const card = await register();
    await gateway().deleteBillingKey(card);
    expect(last()).toMatchObject({ url: '/online/v1/payment/manage/subscription/inactive', body: { cid: SHOP_A.cid, sid: card.billingKey } });
    expect(stub().isSidActive(card.billingKey)).toBe(false);
    await gateway().deleteBillingKey(card);
    expect(await gateway().charge(chargeOf(card))).toMatchObject({ status: 'DECLINED', code: '-782', reason: 'PAYMENT_METHOD_INVALID' });
    stub().injectNext('inactive', { httpStatus: 503 });
    await expect(gateway().deleteBillingKey(await register())).rejects.toThrow(/HTTP 503/);
  });
});

describe('each shop its own contract', () => {
  it('reaches KakaoPay with each shop\'s own key and CID; one shop cannot charge another\'s sid', async () => {
    const cardOfB = await register({ method: 'card' }, SHOP_B);
    expect(await gateway(SHOP_B).charge(chargeOf(cardOfB))).toMatchObject({ status: 'PAID' });
    expect(last().headers.authorization).toBe(`SECRET_KEY ${SHOP_B.secretKey}`);
    expect(await gateway(SHOP_A).charge(chargeOf(cardOfB))).toMatchObject({ status: 'DECLINED', code: '-782' });
    expect(JSON.stringify(stub().requests.filter((r) => r.headers.authorization === `SECRET_KEY ${SHOP_A.secretKey}`))).not.toContain(SHOP_B.secretKey);
  });
});

describe('the stub refuses a sloppy client', () => {
  it('refuses another shop\'s CID, a misnamed field and a missing Content-Type', async () => {
    const post = (body: unknown, headers: Record<string, string>) => fetch(`${stub().url}/online/v1/payment/ready`, { method: 'POST', headers, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const auth = { Authorization: `SECRET_KEY ${SHOP_A.secretKey}`, 'Content-Type': 'application/json' };
    const good = { cid: SHOP_A.cid, partner_order_id: 'o', partner_user_id: 'u', item_name: 'i', quantity: 1, total_amount: 0, tax_free_amount: 0, approval_url: 'https://a', cancel_url: 'https://a', fail_url: 'https://a' };
    expect(await post({ ...good, cid: SHOP_B.cid }, auth)).toMatchObject({ status: 403, body: { error_code: -403 } });
    expect(await post({ ...good, partnerOrderId: 'o' }, auth)).toMatchObject({ status: 400, body: { error_code: -2 } });
    expect(await post(good, { Authorization: auth.Authorization })).toMatchObject({ status: 400 });
  });
});

describe('logging', () => {
  it('never logs the secret key, a sid, a tid or a pg_token', async () => {
    const logged = captureLogs();
    const card = await register();
    const declining = await register({ method: 'card', behaviour: 'decline' });
    await gateway().charge(chargeOf(declining));
    await gateway({ ...SHOP_A, secretKey: 'DEVSK-rotated-secret' }).charge(chargeOf(card));
    stub().injectNext('subscription', { httpStatus: 500 });
    await gateway().charge(chargeOf(card));
    await gateway().deleteBillingKey(card);
    expect(logged.length).toBeGreaterThan(2);
    const text = JSON.stringify(logged);
    for (const secret of [SHOP_A.secretKey, 'DEVSK-rotated-secret', card.billingKey, declining.billingKey, card.tid, card.pgToken]) expect(text).not.toContain(secret);
  });
});

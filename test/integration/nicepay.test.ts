/**
 * Contract tests of the NICE Payments adapter against a stub that enforces
 * NICEPAY API v1's documented billing contract (test/support/nice-stub().ts):
 * Basic auth with the shop's own client and secret keys, the documented bodies
 * with their byte sizes, orderDate as YYYYMMDD, paid order ids never paid twice,
 * NICE's result codes mapped to PAID / DECLINED (with our reason) / UNKNOWN.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DECLINE_REASONS, type DeclineReason } from '../../functions/adapters/gateways/declines.ts';
import { nicePayGateway, type NicePayOptions } from '../../functions/adapters/gateways/nicepay.ts';
import { GatewayRefusal } from '../../functions/adapters/gateways/payment-gateway.ts';
import { captureLogs, chargeOf, closedPortUrl, useStub } from '../support/pg-test-helpers.ts';
import { startNiceStub, type NiceCard, type NiceMerchant } from '../support/nice-stub.ts';

const SHOP_A: NiceMerchant = { clientKey: 'S2_client-shop-a-0001', secretKey: 'secret-shop-a-0001aaaaaaaaaaaaaa' };
const SHOP_B: NiceMerchant = { clientKey: 'S2_client-shop-b-0002', secretKey: 'secret-shop-b-0002bbbbbbbbbbbbbb' };
const KB: NiceCard = { cardCode: '02', cardName: 'KB국민', cardNum: '536112******1234', cardType: 'check' };

const stub = useStub(() => startNiceStub([SHOP_A, SHOP_B]));

const gateway = (merchant: NiceMerchant = SHOP_A, overrides: Partial<NicePayOptions> = {}) =>
  nicePayGateway({ ...merchant, returnUrl: 'https://shop.example/nice/return', baseUrl: stub().url, timeoutMs: 300, ...overrides });
const basic = (m: NiceMerchant) => `Basic ${Buffer.from(`${m.clientKey}:${m.secretKey}`).toString('base64')}`;
const last = () => stub().requests.at(-1)!;

async function register(card: NiceCard = KB, merchant = SHOP_A): Promise<{ billingKey: string; customerKey: string }> {
  const subscriptionId = randomUUID();
  const tid = stub().registerCard(merchant, `reg-${subscriptionId}`, card);
  const issued = await gateway(merchant).issueBillingKey({ authKey: tid, customerKey: 'cus_1', subscriptionId });
  return { billingKey: issued.billingKey, customerKey: 'cus_1' };
}


describe('registration and the billing key', () => {
  it('opens the cardBill window with the public client key, and reads the bid and masked card of its tid', async () => {
    const { window } = await gateway().openRegistration({ subscriptionId: 'sub-1', customerKey: 'cus_1', method: 'card', itemName: 'Beans' });
    expect(window).toMatchObject({ gateway: 'nicepay', handsBack: 'tid', clientId: SHOP_A.clientKey, method: 'cardBill', orderId: 'reg-sub-1' });
    expect(JSON.stringify(window)).not.toContain(SHOP_A.secretKey);

    const tid = stub().registerCard(SHOP_A, 'reg-sub-1', KB);
    const issued = await gateway().issueBillingKey({ authKey: tid, customerKey: 'cus_1', subscriptionId: 'sub-1' });
    expect(issued.card).toEqual({ method: 'card', issuer: 'KB국민', last4: '1234', cardType: 'check', foreign: false });
    expect(stub().isBidActive(issued.billingKey)).toBe(true);
    expect(last()).toMatchObject({ method: 'GET', url: `/v1/payments/${tid}` });
    expect(last().headers.authorization).toBe(basic(SHOP_A));
  });

  it.each([
    ['25', '해외비자'],
    ['26', '해외마스터'],
    ['29', '해외JCB'],
    ['34', '은련'],
  ])('marks an overseas card code (%s %s) foreign (S16)', async (cardCode, cardName) => {
    const tid = stub().registerCard(SHOP_A, 'reg-sub-f', { cardCode, cardName, cardNum: '411111******1111' });
    expect((await gateway().issueBillingKey({ authKey: tid, customerKey: 'cus_1', subscriptionId: 'sub-f' })).card).toMatchObject({ foreign: true, issuer: cardName });
  });

  it('refuses a tid NICE does not know, one made for another subscription, and the shop\'s wrong keys', async () => {
    await expect(gateway().issueBillingKey({ authKey: 'nictest-unknown', customerKey: 'cus_1', subscriptionId: 'sub-1' })).rejects.toMatchObject({ name: 'GatewayRefusal', code: 'U107' });
    const tid = stub().registerCard(SHOP_A, 'reg-sub-other', KB);
    await expect(gateway().issueBillingKey({ authKey: tid, customerKey: 'cus_1', subscriptionId: 'sub-mine' })).rejects.toMatchObject({ code: 'ORDER_MISMATCH' });
    const refused = gateway({ ...SHOP_A, secretKey: 'not-the-secret' }).issueBillingKey({ authKey: tid, customerKey: 'cus_1' });
    await expect(refused).rejects.toBeInstanceOf(GatewayRefusal);
    await expect(refused).rejects.toMatchObject({ code: 'U104' });
  });
});

describe('charge', () => {
  it('charges the bid with the documented body (goodsName cut to 40 bytes) and answers PAID', async () => {
    const card = await register();
    const request = chargeOf(card, { orderName: '제주 유기농 말차 라떼 파우더 정기배송 외 3건' });
    const outcome = await gateway().charge(request);

    expect(outcome).toMatchObject({ status: 'PAID', amount: 32_000 });
    expect(last()).toMatchObject({ method: 'POST', url: `/v1/subscribe/${card.billingKey}/payments` });
    expect(last().headers['content-type']).toMatch(/^application\/json/);
    expect(last().body).toEqual({ orderId: request.orderId, amount: 32_000, goodsName: '제주 유기농 말차 라떼 파우더', cardQuota: 0, useShopInterest: false, buyerEmail: 'buyer@example.com' });
    expect(stub().captureCount(request.orderId)).toBe(1);
  });

  it.each([
    ['3095', 'ISSUER_DECLINED', { behaviour: '3095' } as const, 32_000],
    ['3021', 'CARD_EXPIRED', { behaviour: '3021' } as const, 32_000],
    ['3041', 'AMOUNT_NOT_ALLOWED', {}, 900],
  ] as const satisfies ReadonlyArray<readonly [string, DeclineReason, Partial<NiceCard>, number]>)('answers NICE\'s %s DECLINED with our reason %s, and takes nothing', async (code, reason, behaviour, amount) => {
    const card = await register({ ...KB, ...behaviour });
    const request = chargeOf(card, { amount });
    expect(await gateway().charge(request)).toMatchObject({ status: 'DECLINED', code, reason, message: DECLINE_REASONS[reason], detail: expect.any(String) });
    expect(stub().captureCount(request.orderId)).toBe(0);
    expect(await gateway().findChargeByOrderId(request.orderId)).toMatchObject({ status: 'DECLINED', code });
  });

  it('never pays an order id twice: a repeat answers U112, and the lookup says PAID', async () => {
    const card = await register();
    const request = chargeOf(card);
    const first = await gateway().charge(request);
    expect(await gateway().charge({ ...request, idempotencyKey: randomUUID() })).toEqual(first);
    expect(stub().captureCount(request.orderId)).toBe(1);
  });

  it('answers a timeout after the capture UNKNOWN; the lookup (orderDate YYYYMMDD) then finds it PAID', async () => {
    const card = await register();
    const request = chargeOf(card);
    stub().injectNext('charge', { delayMs: 1_000 });
    expect(await gateway().charge(request)).toMatchObject({ status: 'UNKNOWN' });
    expect(await gateway().findChargeByOrderId(request.orderId)).toMatchObject({ status: 'PAID', amount: 32_000 });
    expect(last().url).toMatch(new RegExp(`^/v1/payments/find/${request.orderId}\\?orderDate=\\d{8}$`));
  });

  it('answers a 5xx, a net-cancel (U503) NICE has no payment for, and our own refused keys UNKNOWN — never DECLINED', async () => {
    const card = await register();
    stub().injectNext('charge', { httpStatus: 502 });
    expect(await gateway().charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN' });
    stub().injectNext('charge', { resultCode: 'U503' });
    expect(await gateway().charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN' });
    expect(await gateway({ ...SHOP_A, secretKey: 'rotated-away' }).charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN', message: expect.stringContaining('U104') });
    expect(await gateway(SHOP_A, { baseUrl: await closedPortUrl() }).charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN' });
  });
});

describe('findChargeByOrderId', () => {
  it('answers NOT_FOUND after trying the last days, and finds yesterday\'s charge from today', async () => {
    expect(await gateway().findChargeByOrderId('order-never')).toEqual({ status: 'NOT_FOUND' });
    const card = await register();
    const request = chargeOf(card);
    await gateway().charge(request);
    expect(await gateway(SHOP_A, { now: () => Date.now() + 86_400_000 }).findChargeByOrderId(request.orderId)).toMatchObject({ status: 'PAID' });
  });
});

describe('deleteBillingKey (빌키삭제)', () => {
  it('expires the bid, succeeds again for a bid already gone, and a charge on it is DECLINED as a payment method gone', async () => {
    const card = await register();
    await gateway().deleteBillingKey(card);
    expect(last()).toMatchObject({ method: 'POST', url: `/v1/subscribe/${card.billingKey}/expire`, body: { orderId: expect.stringMatching(/^expire-/) } });
    expect(stub().isBidActive(card.billingKey)).toBe(false);
    await gateway().deleteBillingKey(card);
    expect(await gateway().charge(chargeOf(card))).toMatchObject({ status: 'DECLINED', code: 'U115', reason: 'PAYMENT_METHOD_INVALID' });
    stub().injectNext('expire', { httpStatus: 500 });
    await expect(gateway().deleteBillingKey(await register())).rejects.toThrow(/HTTP 500/);
  });
});

describe('each shop its own contract', () => {
  it('reaches NICE with each shop\'s own keys; one shop cannot charge another\'s bid', async () => {
    const cardOfB = await register(KB, SHOP_B);
    expect(await gateway(SHOP_B).charge(chargeOf(cardOfB))).toMatchObject({ status: 'PAID' });
    expect(last().headers.authorization).toBe(basic(SHOP_B));
    expect(await gateway(SHOP_A).charge(chargeOf(cardOfB))).toMatchObject({ status: 'DECLINED', code: 'A124' });
    expect(JSON.stringify(stub().requests.filter((r) => r.headers.authorization === basic(SHOP_A)))).not.toContain(SHOP_B.secretKey);
  });
});

describe('the stub refuses a sloppy client', () => {
  const post = (path: string, body: unknown, headers: Record<string, string> = { Authorization: basic(SHOP_A), 'Content-Type': 'application/json' }) =>
    fetch(`${stub().url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }));

  it('refuses missing auth, a misnamed field, a goodsName over 40 bytes and useShopInterest true', async () => {
    const card = await register();
    const path = `/v1/subscribe/${card.billingKey}/payments`;
    const good = { orderId: 'o-sloppy-1', amount: 1000, goodsName: 'x', cardQuota: 0, useShopInterest: false };
    expect(await post(path, good, { 'Content-Type': 'application/json' })).toMatchObject({ status: 401, body: { resultCode: 'U102' } });
    expect(await post(path, { ...good, buyer_email: 'a@b.c' })).toMatchObject({ body: { resultCode: 'U125' } });
    expect(await post(path, { ...good, goodsName: '가'.repeat(14) })).toMatchObject({ body: { resultCode: 'U105' } });
    expect(await post(path, { ...good, useShopInterest: true })).toMatchObject({ body: { resultCode: 'U125' } });
    const find = await fetch(`${stub().url}/v1/payments/find/o-sloppy-1?orderDate=2030-01-01`, { headers: { Authorization: basic(SHOP_A) } });
    expect(await find.json()).toMatchObject({ resultCode: 'U130' });
  });
});

describe('logging', () => {
  it('never logs the keys, a bid or a tid', async () => {
    const logged = captureLogs();
    const subscriptionId = randomUUID();
    const tid = stub().registerCard(SHOP_A, `reg-${subscriptionId}`, KB);
    const card = { billingKey: (await gateway().issueBillingKey({ authKey: tid, customerKey: 'cus_1', subscriptionId })).billingKey, customerKey: 'cus_1' };
    stub().injectNext('charge', { resultCode: 'U503' });
    await gateway().charge(chargeOf(card));
    await gateway({ ...SHOP_A, secretKey: 'rotated-secret-nice' }).charge(chargeOf(card));
    await gateway().charge(chargeOf(card, { amount: 10 }));
    await gateway().deleteBillingKey(card);
    expect(logged.length).toBeGreaterThan(2);
    const text = JSON.stringify(logged);
    for (const secret of [SHOP_A.secretKey, 'rotated-secret-nice', basic(SHOP_A), card.billingKey, tid, KB.cardNum]) expect(text).not.toContain(secret);
  });
});

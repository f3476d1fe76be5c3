/**
 * Contract tests of the PortOne V2 adapter (KG Inicis, NHN KCP, KSNET behind
 * PortOne) with the official @portone/server-sdk making every HTTP call, aimed
 * at a stub of PortOne's REST API (test/support/portone-stub().ts) through the
 * SDK's `baseUrl`: the shop's own API secret and store id, paymentId = our
 * order id as the guard against a double charge, the SDK's error types mapped
 * to PAID / DECLINED (with our reason) / UNKNOWN / NOT_FOUND.
 */
import { randomUUID } from 'node:crypto';
import { PaymentClient } from '@portone/server-sdk/payment';
import { describe, expect, it } from 'vitest';
import { DECLINE_REASONS } from '../../functions/adapters/gateways/declines.ts';
import { portOneBillingKeys, portOneGateway, type PortOneOptions } from '../../functions/adapters/gateways/portone.ts';
import { captureLogs, chargeOf, closedPortUrl, useStub } from '../support/pg-test-helpers.ts';
import { startPortOneStub, type PortOneCard, type PortOneStore } from '../support/portone-stub.ts';

const SHOP_A: PortOneStore = { apiSecret: 'portone-secret-shop-a-0001', storeId: 'store-aaaa-0001', channelKeys: ['channel-key-inicis-a'] };
const SHOP_B: PortOneStore = { apiSecret: 'portone-secret-shop-b-0002', storeId: 'store-bbbb-0002', channelKeys: ['channel-key-kcp-b'] };
const SHINHAN: PortOneCard = { brand: 'LOCAL', issuer: 'SHINHAN_CARD', name: '신한카드', number: '45184512****9012', type: 'DEBIT' };

const stub = useStub(() => startPortOneStub([SHOP_A, SHOP_B]));

const options = (store: PortOneStore = SHOP_A, overrides: Partial<PortOneOptions> = {}): PortOneOptions => ({
  gateway: store === SHOP_A ? 'inicis' : 'kcp',
  storeId: store.storeId,
  apiSecret: store.apiSecret,
  channelKey: store.channelKeys[0]!,
  baseUrl: stub().url,
  timeoutMs: 300,
  ...overrides,
});
const gateway = (store: PortOneStore = SHOP_A, overrides: Partial<PortOneOptions> = {}) => portOneGateway(options(store, overrides), PaymentClient);
const last = () => stub().requests.at(-1)!;

async function register(card: PortOneCard = SHINHAN, store = SHOP_A) {
  const subscriptionId = randomUUID();
  const customerKey = `cus_${randomUUID()}`;
  const issued = await gateway(store).issueBillingKey({ authKey: stub().issueBillingKey(store, card, customerKey, `reg-${subscriptionId}`), customerKey, subscriptionId });
  return { ...issued, customerKey };
}


describe('registration and the billing key', () => {
  it('opens the browser SDK\'s window with the public store id and channel key, and reads the key\'s masked card', async () => {
    const { window } = await gateway().openRegistration({ subscriptionId: 'sub-1', customerKey: 'cus_1', method: 'card', itemName: 'Beans' });
    expect(window).toMatchObject({ gateway: 'inicis', via: 'portone', handsBack: 'billingKey', storeId: SHOP_A.storeId, channelKey: 'channel-key-inicis-a', issueId: 'reg-sub-1', customer: { customerId: 'cus_1' } });
    expect(JSON.stringify(window)).not.toContain(SHOP_A.apiSecret);

    const issued = await register();
    expect(issued.card).toEqual({ method: 'card', issuer: '신한카드', last4: '9012', cardType: 'check', foreign: false });
    expect(last()).toMatchObject({ method: 'GET', url: `/billing-keys/${issued.billingKey}?storeId=${SHOP_A.storeId}` });
    expect(last().headers.authorization).toBe(`PortOne ${SHOP_A.apiSecret}`);
  });

  it.each(['VISA', 'MASTER', 'AMEX', 'JCB', 'UNIONPAY'] as const)('marks an international brand with no Korean issuer (%s) foreign (S16)', async (brand) => {
    expect((await register({ brand, name: brand, number: '411111******1111', type: 'CREDIT' })).card).toMatchObject({ foreign: true, last4: '1111' });
  });

  it('keeps a Korean card on an international network domestic: it has its Korean issuer', async () => {
    expect((await register({ ...SHINHAN, brand: 'VISA' })).card.foreign).toBe(false);
  });

  it('refuses a key issued to another customer or subscription, a key PortOne does not know, and the shop\'s wrong secret', async () => {
    const key = stub().issueBillingKey(SHOP_A, SHINHAN, 'cus_someone-else', 'reg-sub-x');
    await expect(gateway().issueBillingKey({ authKey: key, customerKey: 'cus_me', subscriptionId: 'sub-x' })).rejects.toMatchObject({ code: 'CUSTOMER_MISMATCH' });
    await expect(gateway().issueBillingKey({ authKey: key, customerKey: 'cus_someone-else', subscriptionId: 'sub-y' })).rejects.toMatchObject({ code: 'ORDER_MISMATCH' });
    await expect(gateway().issueBillingKey({ authKey: 'billing-key-unknown', customerKey: 'c' })).rejects.toMatchObject({ name: 'GatewayRefusal', code: 'BILLING_KEY_NOT_FOUND' });
    await expect(gateway(SHOP_A, { apiSecret: 'not-the-secret' }).issueBillingKey({ authKey: key, customerKey: 'cus_someone-else' })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});

describe('payWithBillingKey', () => {
  it('the billing-key part alone (no payment client: functions/wiring/gateways.ts) registers and deletes, and has no charge', async () => {
    const card = await register();
    const keysOnly = portOneBillingKeys(options());
    expect('charge' in keysOnly || 'findChargeByOrderId' in keysOnly).toBe(false);
    await expect(keysOnly.deleteBillingKey({ billingKey: card.billingKey, customerKey: card.customerKey })).resolves.toBeUndefined();
    expect(await gateway().charge(chargeOf(card))).toMatchObject({ status: 'DECLINED', code: 'BILLING_KEY_ALREADY_DELETED' });
  });

  it('pays with paymentId = our order id and the documented body, through the SDK', async () => {
    const card = await register();
    const request = chargeOf(card);
    expect(await gateway().charge(request)).toMatchObject({ status: 'PAID', amount: 32_000, paymentKey: expect.stringMatching(/^pg-/) });
    expect(last()).toMatchObject({ method: 'POST', url: `/payments/${request.orderId}/billing-key` });
    expect(last().headers['user-agent']).toMatch(/^portone-server-sdk-js\//);
    expect(last().body).toEqual({ storeId: SHOP_A.storeId, billingKey: card.billingKey, channelKey: 'channel-key-inicis-a', orderName: request.orderName, amount: { total: 32_000 }, currency: 'KRW', customer: { id: card.customerKey, email: 'buyer@example.com' } });
    expect(stub().captureCount(request.orderId)).toBe(1);
  });

  it('never pays an order id twice: ALREADY_PAID is answered by the lookup, PAID', async () => {
    const card = await register();
    const request = chargeOf(card);
    await gateway().charge(request);
    expect(await gateway().charge({ ...request, idempotencyKey: randomUUID() })).toMatchObject({ status: 'PAID', amount: 32_000 });
    expect(stub().captureCount(request.orderId)).toBe(1);
  });

  it('answers PG_PROVIDER DECLINED with the PG\'s own code and our reason; the lookup agrees, and the id may be paid later', async () => {
    const card = await register({ ...SHINHAN, decline: { pgCode: 'V801', pgMessage: '한도초과' } });
    const request = chargeOf(card);
    expect(await gateway().charge(request)).toEqual({ status: 'DECLINED', code: 'V801', reason: 'ISSUER_DECLINED', message: DECLINE_REASONS.ISSUER_DECLINED, detail: '한도초과' });
    expect(await gateway().findChargeByOrderId(request.orderId)).toMatchObject({ status: 'DECLINED', code: 'V801', reason: 'ISSUER_DECLINED', detail: '한도초과' });
    expect(stub().captureCount(request.orderId)).toBe(0);
  });

  it('answers a timeout after the capture UNKNOWN, and getPayment then finds it PAID', async () => {
    const card = await register();
    const request = chargeOf(card);
    stub().injectNext('pay', { delayMs: 1_000 });
    expect(await gateway().charge(request)).toMatchObject({ status: 'UNKNOWN' });
    expect(await gateway().findChargeByOrderId(request.orderId)).toMatchObject({ status: 'PAID', amount: 32_000 });
    expect(last().url).toBe(`/payments/${request.orderId}?storeId=${SHOP_A.storeId}`);
  });

  it('answers a 5xx, an unreachable PortOne, and our own refused secret or channel UNKNOWN — never DECLINED', async () => {
    const card = await register();
    stub().injectNext('pay', { httpStatus: 500 });
    expect(await gateway().charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN' });
    expect(await gateway(SHOP_A, { baseUrl: await closedPortUrl() }).charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN' });
    expect(await gateway(SHOP_A, { apiSecret: 'rotated-away' }).charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN', message: expect.stringContaining('UNAUTHORIZED') });
    expect(await gateway(SHOP_A, { channelKey: 'channel-key-of-nobody' }).charge(chargeOf(card))).toMatchObject({ status: 'UNKNOWN', message: expect.stringContaining('CHANNEL_NOT_FOUND') });
  });

  it('answers NOT_FOUND for a payment PortOne never saw', async () => {
    expect(await gateway().findChargeByOrderId('order-never')).toEqual({ status: 'NOT_FOUND' });
  });
});

describe('deleteBillingKey', () => {
  it('deletes the key, succeeds again for a deleted one, and a charge on it is DECLINED as gone', async () => {
    const card = await register();
    await gateway().deleteBillingKey(card);
    expect(last()).toMatchObject({ method: 'DELETE', url: `/billing-keys/${card.billingKey}?storeId=${SHOP_A.storeId}` });
    expect(stub().isBillingKeyActive(card.billingKey)).toBe(false);
    await gateway().deleteBillingKey(card);
    expect(await gateway().charge(chargeOf(card))).toMatchObject({ status: 'DECLINED', code: 'BILLING_KEY_ALREADY_DELETED', reason: 'PAYMENT_METHOD_INVALID' });
    stub().injectNext('deleteBillingKey', { httpStatus: 500 });
    await expect(gateway().deleteBillingKey(await register())).rejects.toMatchObject({ name: 'GatewayRefusal', code: 'INTERNAL' });
  });
});

describe('each shop its own contract', () => {
  it('reaches PortOne with each shop\'s own secret and store; one shop cannot charge another\'s key', async () => {
    const cardOfB = await register(SHINHAN, SHOP_B);
    expect(await gateway(SHOP_B).charge(chargeOf(cardOfB))).toMatchObject({ status: 'PAID' });
    expect(last().headers.authorization).toBe(`PortOne ${SHOP_B.apiSecret}`);
    expect(await gateway(SHOP_A).charge(chargeOf(cardOfB))).toMatchObject({ status: 'DECLINED', code: 'BILLING_KEY_NOT_FOUND' });
    expect(JSON.stringify(stub().requests.filter((r) => r.headers.authorization === `PortOne ${SHOP_A.apiSecret}`))).not.toContain(SHOP_B.apiSecret);
  });
});

describe('the stub refuses a sloppy client', () => {
  it('refuses a call not made by the SDK, another store\'s id, a misnamed field and a missing currency', async () => {
    const card = await register();
    const post = (body: unknown, headers: Record<string, string>) => fetch(`${stub().url}/payments/p-sloppy/billing-key`, { method: 'POST', headers, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const sdk = { Authorization: `PortOne ${SHOP_A.apiSecret}`, 'User-Agent': 'portone-server-sdk-js/js-v0.19.0' };
    const good = { storeId: SHOP_A.storeId, billingKey: card.billingKey, orderName: 'x', amount: { total: 1000 }, currency: 'KRW' };
    expect(await post(good, { Authorization: sdk.Authorization, 'User-Agent': 'curl/8' })).toMatchObject({ status: 400 });
    expect(await post({ ...good, storeId: SHOP_B.storeId }, sdk)).toMatchObject({ status: 403, body: { type: 'FORBIDDEN' } });
    expect(await post({ ...good, order_name: 'x' }, sdk)).toMatchObject({ status: 400, body: { type: 'INVALID_REQUEST' } });
    expect(await post({ ...good, currency: undefined }, sdk)).toMatchObject({ status: 400, body: { type: 'INVALID_REQUEST' } });
  });
});

describe('logging', () => {
  it('never logs the API secret or a billing key', async () => {
    const logged = captureLogs();
    const card = await register();
    const declining = await register({ ...SHINHAN, decline: { pgCode: 'V801', pgMessage: '한도초과' } });
    await gateway().charge(chargeOf(declining));
    await gateway(SHOP_A, { apiSecret: 'rotated-secret-portone' }).charge(chargeOf(card));
    stub().injectNext('pay', { delayMs: 1_000 });
    await gateway().charge(chargeOf(card));
    await gateway().deleteBillingKey(card);
    expect(logged.length).toBeGreaterThan(2);
    const text = JSON.stringify(logged);
    for (const secret of [SHOP_A.apiSecret, 'rotated-secret-portone', card.billingKey, declining.billingKey, SHINHAN.number]) expect(text).not.toContain(secret);
  });
});

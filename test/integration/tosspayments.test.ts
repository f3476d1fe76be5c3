/**
 * Contract tests of the Toss Payments adapter against a local stub that enforces
 * Toss's documented request shapes and errors (test/support/toss-stub.ts).
 * What is asserted on the wire: path (billing keys percent-encoded), Basic auth,
 * Idempotency-Key, JSON bodies. What is asserted of the port: every Toss answer
 * becomes PAID / DECLINED / UNKNOWN / NOT_FOUND as tosspayments.ts documents,
 * and money is never taken twice.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GatewayRefusal, type ChargeRequest, type PaymentGateway } from '../../functions/adapters/gateways/payment-gateway.ts';
import { tossPaymentsGateway, type TossPaymentsOptions } from '../../functions/adapters/gateways/tosspayments.ts';
import { captureLogs, closedPortUrl } from '../support/pg-test-helpers.ts';
import { STUB_DECLINES, startTossStub, type StubCard, type StubDeclineCode, type TossStub } from '../support/toss-stub.ts';

let stub: TossStub;
beforeAll(async () => {
  stub = await startTossStub();
});
afterAll(() => stub?.stop());
afterEach(() => {
  vi.restoreAllMocks();
});

const gateway = (overrides: Partial<TossPaymentsOptions> = {}): PaymentGateway =>
  tossPaymentsGateway({ secretKey: stub.secretKey, clientKey: stub.clientKey, baseUrl: stub.url, timeoutMs: 2_000, ...overrides });

const newCustomerKey = () => `cus_${randomUUID()}`;
const newOrderId = () => `order_${randomUUID()}`;
const basic = (secret: string) => `Basic ${Buffer.from(`${secret}:`).toString('base64')}`;

const KB_CREDIT: StubCard = { issuerCode: '11', number: '433012******1234', cardType: '신용' };

/** Registers a card with the stub and exchanges its authKey through the adapter. */
async function registerCard(card: StubCard = KB_CREDIT): Promise<{ billingKey: string; customerKey: string }> {
  const customerKey = newCustomerKey();
  const authKey = `auth_${randomUUID()}`;
  stub.addAuthKey(authKey, { ...card, customerKey });
  const issued = await gateway().issueBillingKey({ authKey, customerKey });
  return { billingKey: issued.billingKey, customerKey };
}

function chargeRequest(card: { billingKey: string; customerKey: string }, overrides: Partial<ChargeRequest> = {}): ChargeRequest {
  return {
    billingKey: card.billingKey,
    customerKey: card.customerKey,
    amount: 32_000,
    orderId: newOrderId(),
    orderName: '정기배송 원두 외 1건',
    idempotencyKey: `idem_${randomUUID()}`,
    customerEmail: 'buyer@example.com',
    ...overrides,
  };
}

const requestsTo = (method: string, pathPrefix: string) => stub.requests.filter((request) => request.method === method && request.url.startsWith(pathPrefix));
const lastRequest = () => {
  const request = stub.requests.at(-1);
  if (request === undefined) throw new Error('no request recorded');
  return request;
};

describe('registration window', () => {
  it('hands the storefront the public client key, the customerKey and the SDK method — never a secret', async () => {
    const { window } = await gateway().openRegistration({ subscriptionId: 'sub-1', customerKey: 'cus_abc-1', method: 'card', itemName: 'Beans' });

    expect(window).toEqual({ gateway: 'tosspayments', handsBack: 'authKey', clientKey: stub.clientKey, customerKey: 'cus_abc-1', method: 'CARD' });
    expect(JSON.stringify(window)).not.toContain(stub.secretKey);
  });

  it('refuses KakaoPay: Toss registers cards here', async () => {
    await expect(gateway().openRegistration({ subscriptionId: 'sub-1', customerKey: 'cus_abc-1', method: 'kakaopay', itemName: 'Beans' })).rejects.toThrow(/cards only/);
  });
});

describe('issueBillingKey', () => {
  it('exchanges the authKey and returns the masked facts of a domestic card', async () => {
    const customerKey = newCustomerKey();
    stub.addAuthKey('auth_domestic-1', { ...KB_CREDIT, customerKey });

    const issued = await gateway().issueBillingKey({ authKey: 'auth_domestic-1', customerKey });

    expect(issued.card).toEqual({ method: 'card', issuer: 'KB국민', last4: '1234', cardType: 'credit', foreign: false });
    expect(stub.isBillingKeyActive(issued.billingKey)).toBe(true);
    const request = lastRequest();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/billing/authorizations/issue');
    expect(request.headers.authorization).toBe(basic(stub.secretKey));
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toEqual({ authKey: 'auth_domestic-1', customerKey });
  });

  it.each([
    ['4V', 'Visa'],
    ['4M', 'Mastercard'],
    ['4J', 'JCB'],
    ['3C', 'UnionPay'],
    ['7A', 'American Express'],
    ['6D', 'Diners Club'],
    ['6I', 'Discover'],
  ])('marks an international brand issuer (%s) foreign (S16)', async (issuerCode, issuer) => {
    const { card } = await issue({ issuerCode, number: '411111******1111', cardType: '미확인' });
    expect(card).toMatchObject({ issuer, foreign: true, last4: '1111', cardType: 'unknown' });
  });

  it('keeps a Korean card on an international network domestic: the issuer decides, not the brand', async () => {
    const { card } = await issue({ issuerCode: '41', number: '4518********9012', cardType: '체크' });
    expect(card).toMatchObject({ issuer: '신한', foreign: false, cardType: 'check', last4: '9012' });
  });

  it('judges an issuer code missing from the table by Toss\'s 미확인 card type', async () => {
    expect((await issue({ issuerCode: 'Z9', number: '9999********0001', cardType: '미확인' })).card.foreign).toBe(true);
    expect((await issue({ issuerCode: 'Z8', number: '9999********0002', cardType: '기프트' })).card).toMatchObject({ foreign: false, cardType: 'gift' });
  });

  it('gives last4 null when the masked number hides any of the last four digits', async () => {
    const { card } = await issue({ issuerCode: '61', number: '4330********123*', cardType: '신용' });
    expect(card).toMatchObject({ issuer: '현대', last4: null });
  });

  it('turns an authKey Toss did not issue, or one used already, into a GatewayRefusal', async () => {
    const unknown = gateway().issueBillingKey({ authKey: 'auth_never-issued', customerKey: newCustomerKey() });
    await expect(unknown).rejects.toBeInstanceOf(GatewayRefusal);
    await expect(unknown).rejects.toMatchObject({ code: 'INVALID_BILLING_AUTH' });

    const customerKey = newCustomerKey();
    stub.addAuthKey('auth_once-1', { ...KB_CREDIT, customerKey });
    await gateway().issueBillingKey({ authKey: 'auth_once-1', customerKey });
    await expect(gateway().issueBillingKey({ authKey: 'auth_once-1', customerKey })).rejects.toMatchObject({ name: 'GatewayRefusal', code: 'INVALID_BILLING_AUTH' });
  });

  it('refuses an authKey from a window opened for another customerKey', async () => {
    stub.addAuthKey('auth_bound-1', { ...KB_CREDIT, customerKey: newCustomerKey() });
    await expect(gateway().issueBillingKey({ authKey: 'auth_bound-1', customerKey: newCustomerKey() })).rejects.toMatchObject({ code: 'NOT_MATCHES_CUSTOMER_KEY' });
  });

  it('reports a wrong secret key as the refusal Toss answers', async () => {
    const customerKey = newCustomerKey();
    stub.addAuthKey('auth_wrong-secret', { ...KB_CREDIT, customerKey });
    const refused = gateway({ secretKey: 'test_sk_not-ours' }).issueBillingKey({ authKey: 'auth_wrong-secret', customerKey });
    await expect(refused).rejects.toBeInstanceOf(GatewayRefusal);
    await expect(refused).rejects.toMatchObject({ code: 'UNAUTHORIZED_KEY' });
    expect(lastRequest().headers.authorization).toBe(basic('test_sk_not-ours'));
  });

  it('throws a plain Error, not a refusal, for a 5xx or no answer', async () => {
    const customerKey = newCustomerKey();
    stub.addAuthKey('auth_5xx', { ...KB_CREDIT, customerKey });
    stub.failNext('issue', { status: 500, code: 'FAILED_INTERNAL_SYSTEM_PROCESSING' });
    const failed = gateway().issueBillingKey({ authKey: 'auth_5xx', customerKey });
    await expect(failed).rejects.toThrow(/HTTP 500/);
    await expect(failed).rejects.not.toBeInstanceOf(GatewayRefusal);

    const unreachable = gateway({ baseUrl: await closedPortUrl() }).issueBillingKey({ authKey: 'auth_5xx', customerKey });
    await expect(unreachable).rejects.toThrow(/did not answer/);
    await expect(unreachable).rejects.not.toBeInstanceOf(GatewayRefusal);
  });

  async function issue(card: StubCard) {
    const customerKey = newCustomerKey();
    const authKey = `auth_${randomUUID()}`;
    stub.addAuthKey(authKey, { ...card, customerKey });
    return gateway().issueBillingKey({ authKey, customerKey });
  }
});

describe('charge', () => {
  it('charges with the billing key in the path, Basic auth, the idempotency key and the documented body', async () => {
    const card = await registerCard();
    const request = chargeRequest(card);

    const outcome = await gateway().charge(request);

    expect(outcome).toMatchObject({ status: 'PAID', amount: 32_000 });
    if (outcome.status !== 'PAID') throw new Error('unreachable');
    expect(outcome.paymentKey).toBe(stub.payment(request.orderId)?.paymentKey);
    expect(outcome.approvedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
    expect(stub.captureCount(request.orderId)).toBe(1);

    const sent = lastRequest();
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(`/v1/billing/${encodeURIComponent(card.billingKey)}`);
    expect(sent.url).toContain('%2F'); // the stub's billing keys always hold a '/'
    expect(sent.headers.authorization).toBe(basic(stub.secretKey));
    expect(sent.headers['idempotency-key']).toBe(request.idempotencyKey);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.body).toEqual({ customerKey: card.customerKey, amount: 32_000, orderId: request.orderId, orderName: '정기배송 원두 외 1건', customerEmail: 'buyer@example.com' });
  });

  it('leaves customerEmail out when there is none', async () => {
    const card = await registerCard();
    const { customerEmail: _omitted, ...withoutEmail } = chargeRequest(card);

    expect(await gateway().charge(withoutEmail)).toMatchObject({ status: 'PAID' });
    expect(lastRequest().body).not.toHaveProperty('customerEmail');
  });

  it.each(Object.keys(STUB_DECLINES) as StubDeclineCode[])('answers a %s refusal DECLINED with that code, and takes nothing', async (code) => {
    const card = await registerCard({ ...KB_CREDIT, behaviour: code });
    const request = chargeRequest(card);

    expect(await gateway().charge(request)).toMatchObject({ status: 'DECLINED', code, detail: STUB_DECLINES[code].message });
    expect(stub.captureCount(request.orderId)).toBe(0);
    // Toss keeps the failed attempt (ABORTED, with its failure): the lookup agrees.
    expect(await gateway().findChargeByOrderId(request.orderId)).toMatchObject({ status: 'DECLINED', code });
  });

  it('may retry a declined order id later: only approved or canceled ones are duplicates', async () => {
    const declining = await registerCard({ ...KB_CREDIT, behaviour: 'REJECT_CARD_PAYMENT' });
    const orderId = newOrderId();
    expect(await gateway().charge(chargeRequest(declining, { orderId }))).toMatchObject({ status: 'DECLINED' });

    const working = await registerCard();
    expect(await gateway().charge(chargeRequest(working, { orderId }))).toMatchObject({ status: 'PAID' });
    expect(stub.captureCount(orderId)).toBe(1);
  });

  it('answers the same idempotency key twice with one capture and the same PAID', async () => {
    const card = await registerCard();
    const request = chargeRequest(card);

    const first = await gateway().charge(request);
    const second = await gateway().charge(request);

    expect(first).toMatchObject({ status: 'PAID' });
    expect(second).toEqual(first);
    expect(stub.captureCount(request.orderId)).toBe(1);
    expect(requestsTo('POST', `/v1/billing/${encodeURIComponent(card.billingKey)}`)).toHaveLength(2);
    // Answered by Toss's idempotency replay, not by the DUPLICATED_ORDER_ID lookup path.
    expect(requestsTo('GET', `/v1/payments/orders/${request.orderId}`)).toHaveLength(0);
  });

  it('answers a reused order id with another idempotency key by looking the order up: PAID, not charged twice', async () => {
    const card = await registerCard();
    const first = chargeRequest(card);
    const paid = await gateway().charge(first);

    const again = await gateway().charge({ ...first, idempotencyKey: `idem_${randomUUID()}` });

    expect(again).toEqual(paid);
    expect(stub.captureCount(first.orderId)).toBe(1);
    expect(requestsTo('GET', `/v1/payments/orders/${first.orderId}`)).toHaveLength(1);
  });

  it('answers PROVIDER_ERROR UNKNOWN; the lookup then says nothing was taken and a retry with the same key pays once', async () => {
    const card = await registerCard();
    const request = chargeRequest(card);
    stub.failNext('charge', { status: 400, code: 'PROVIDER_ERROR', message: '일시적인 오류가 발생했습니다. 잠시 후 다시 시도해주세요.' });

    expect(await gateway().charge(request)).toMatchObject({ status: 'UNKNOWN' });
    expect(await gateway().findChargeByOrderId(request.orderId)).toEqual({ status: 'NOT_FOUND' });
    expect(await gateway().charge(request)).toMatchObject({ status: 'PAID' });
    expect(stub.captureCount(request.orderId)).toBe(1);
  });

  it('answers a 5xx UNKNOWN even when Toss took the money, and the lookup finds it', async () => {
    const card = await registerCard();
    const request = chargeRequest(card);
    stub.failNext('charge', { status: 500, code: 'FAILED_INTERNAL_SYSTEM_PROCESSING', captured: true });

    expect(await gateway().charge(request)).toMatchObject({ status: 'UNKNOWN' });
    expect(await gateway().findChargeByOrderId(request.orderId)).toMatchObject({ status: 'PAID', amount: 32_000 });
  });

  it('answers a timeout after the capture UNKNOWN; the lookup then finds it PAID, and a retry does not charge again', async () => {
    const card = await registerCard();
    const request = chargeRequest(card);
    stub.slowNext(800);

    const outcome = await gateway({ timeoutMs: 150 }).charge(request);

    expect(outcome).toMatchObject({ status: 'UNKNOWN' });
    expect(stub.captureCount(request.orderId)).toBe(1);
    const found = await gateway().findChargeByOrderId(request.orderId);
    expect(found).toMatchObject({ status: 'PAID', amount: 32_000, paymentKey: stub.payment(request.orderId)?.paymentKey });
    expect(await gateway().charge(request)).toEqual(found);
    expect(stub.captureCount(request.orderId)).toBe(1);
  });

  it('answers UNKNOWN, never throws, when Toss cannot be reached', async () => {
    const card = await registerCard();
    const unreachable = gateway({ baseUrl: await closedPortUrl() });

    expect(await unreachable.charge(chargeRequest(card))).toMatchObject({ status: 'UNKNOWN' });
    expect(await unreachable.findChargeByOrderId(newOrderId())).toMatchObject({ status: 'UNKNOWN' });
  });

  it('answers NOT_MATCHES_CUSTOMER_KEY DECLINED when charged for another customerKey', async () => {
    const card = await registerCard();
    const request = chargeRequest(card, { customerKey: newCustomerKey() });

    expect(await gateway().charge(request)).toMatchObject({ status: 'DECLINED', code: 'NOT_MATCHES_CUSTOMER_KEY' });
    expect(stub.captureCount(request.orderId)).toBe(0);
  });

  it('answers BELOW_MINIMUM_AMOUNT DECLINED under 100 won', async () => {
    const card = await registerCard();
    const request = chargeRequest(card, { amount: 99 });

    expect(await gateway().charge(request)).toMatchObject({ status: 'DECLINED', code: 'BELOW_MINIMUM_AMOUNT' });
    expect(stub.captureCount(request.orderId)).toBe(0);
  });

  it('answers a refusal of our own credentials UNKNOWN, not DECLINED: the buyer\'s card was never judged', async () => {
    const card = await registerCard();
    const request = chargeRequest(card);

    expect(await gateway({ secretKey: 'test_sk_rotated' }).charge(request)).toMatchObject({ status: 'UNKNOWN', message: expect.stringContaining('UNAUTHORIZED_KEY') });
    expect(stub.captureCount(request.orderId)).toBe(0);
  });

  it('answers an unlisted Toss code UNKNOWN: unknown codes are not guessed to be declines', async () => {
    const card = await registerCard();
    stub.failNext('charge', { status: 400, code: 'SOMETHING_NEW_FROM_TOSS', message: '새 에러' });
    expect(await gateway().charge(chargeRequest(card))).toMatchObject({ status: 'UNKNOWN' });
  });
});

describe('findChargeByOrderId', () => {
  it('answers NOT_FOUND for an order Toss never saw', async () => {
    const orderId = newOrderId();
    expect(await gateway().findChargeByOrderId(orderId)).toEqual({ status: 'NOT_FOUND' });
    expect(lastRequest()).toMatchObject({ method: 'GET', url: `/v1/payments/orders/${orderId}` });
    expect(lastRequest().headers.authorization).toBe(basic(stub.secretKey));
  });

  it('answers UNKNOWN, not NOT_FOUND, for a 404 that is not Toss\'s NOT_FOUND_PAYMENT', async () => {
    const proxy404: typeof fetch = async () => new Response('<html>Not Found</html>', { status: 404 });
    expect(await gateway({ fetch: proxy404 }).findChargeByOrderId(newOrderId())).toMatchObject({ status: 'UNKNOWN' });
  });

  it('answers UNKNOWN for a payment Toss has not settled, and for an answer about another order', async () => {
    const orderId = newOrderId();
    const inProgress: typeof fetch = async () => Response.json({ orderId, status: 'IN_PROGRESS', paymentKey: 'p', totalAmount: 1000 });
    expect(await gateway({ fetch: inProgress }).findChargeByOrderId(orderId)).toMatchObject({ status: 'UNKNOWN' });

    const otherOrder: typeof fetch = async () => Response.json({ orderId: 'order_someone-else', status: 'DONE', paymentKey: 'p', totalAmount: 1000, approvedAt: '2026-01-01T00:00:00+09:00' });
    expect(await gateway({ fetch: otherOrder }).findChargeByOrderId(orderId)).toMatchObject({ status: 'UNKNOWN' });
  });

  it('answers a canceled payment DECLINED with its failure, and a partially canceled one PAID', async () => {
    const orderId = newOrderId();
    const canceled: typeof fetch = async () => Response.json({ orderId, status: 'CANCELED', paymentKey: 'p', totalAmount: 1000, approvedAt: '2026-01-01T00:00:00+09:00' });
    expect(await gateway({ fetch: canceled }).findChargeByOrderId(orderId)).toMatchObject({ status: 'DECLINED', code: 'PAYMENT_CANCELED' });

    const partial: typeof fetch = async () => Response.json({ orderId, status: 'PARTIAL_CANCELED', paymentKey: 'p', totalAmount: 1000, approvedAt: '2026-01-01T00:00:00+09:00' });
    expect(await gateway({ fetch: partial }).findChargeByOrderId(orderId)).toEqual({ status: 'PAID', paymentKey: 'p', amount: 1000, approvedAt: '2026-01-01T00:00:00+09:00' });
  });
});

describe('deleteBillingKey', () => {
  it('deletes the key at Toss, succeeds again for a key already gone, and the key can no longer be charged', async () => {
    const card = await registerCard();

    await gateway().deleteBillingKey(card);
    const sent = lastRequest();
    expect(sent.method).toBe('DELETE');
    expect(sent.url).toBe(`/v1/billing/${encodeURIComponent(card.billingKey)}`);
    expect(sent.headers.authorization).toBe(basic(stub.secretKey));
    expect(sent.rawBody).toBe('');
    expect(stub.isBillingKeyActive(card.billingKey)).toBe(false);

    await expect(gateway().deleteBillingKey(card)).resolves.toBeUndefined();
    await expect(gateway().deleteBillingKey({ billingKey: 'never+issued/key=', customerKey: card.customerKey })).resolves.toBeUndefined();

    const request = chargeRequest(card);
    expect(await gateway().charge(request)).toMatchObject({ status: 'DECLINED', code: 'INVALID_BILL_KEY_REQUEST' });
    expect(stub.captureCount(request.orderId)).toBe(0);
  });

  it('throws when Toss refuses or does not answer the deletion', async () => {
    const card = await registerCard();
    stub.failNext('delete', { status: 403, code: 'FORBIDDEN_REQUEST', message: '허용되지 않은 요청입니다.' });
    await expect(gateway().deleteBillingKey(card)).rejects.toMatchObject({ name: 'GatewayRefusal', code: 'FORBIDDEN_REQUEST' });

    await expect(gateway({ baseUrl: await closedPortUrl() }).deleteBillingKey(card)).rejects.toThrow(/did not answer/);
    expect(stub.isBillingKeyActive(card.billingKey)).toBe(true);
  });
});

describe('the stub refuses a sloppy client', () => {
  async function send(init: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
    const response = await fetch(`${stub.url}${init.path}`, { method: init.method ?? 'POST', headers: init.headers, body: init.body });
    return { status: response.status, body: (await response.json()) as { code: string } };
  }
  const json = { 'Content-Type': 'application/json' };

  it('refuses a missing or wrong Basic auth, and a key encoded without its colon', async () => {
    expect(await send({ path: '/v1/payments/orders/order_abcdef', method: 'GET' })).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED_KEY' } });
    expect(await send({ path: '/v1/payments/orders/order_abcdef', method: 'GET', headers: { Authorization: basic('test_sk_other') } })).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED_KEY' } });
    expect(await send({ path: '/v1/payments/orders/order_abcdef', method: 'GET', headers: { Authorization: `Bearer ${stub.secretKey}` } })).toMatchObject({ status: 401 });
    const noColon = `Basic ${Buffer.from(stub.secretKey).toString('base64')}`;
    expect(await send({ path: '/v1/payments/orders/order_abcdef', method: 'GET', headers: { Authorization: noColon } })).toMatchObject({ status: 400, body: { code: 'INCORRECT_BASIC_AUTH_FORMAT' } });
  });

  it('refuses a charge without an Idempotency-Key, with a misnamed field, without JSON, or with a malformed order id or customerKey', async () => {
    const card = await registerCard();
    const path = `/v1/billing/${encodeURIComponent(card.billingKey)}`;
    const auth = { Authorization: basic(stub.secretKey) };
    const body = { customerKey: card.customerKey, amount: 1000, orderId: newOrderId(), orderName: '원두' };
    const withKey = () => ({ ...auth, ...json, 'Idempotency-Key': `idem_${randomUUID()}` });

    expect(await send({ path, headers: { ...auth, ...json }, body: JSON.stringify(body) })).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    const { customerKey, ...rest } = body;
    expect(await send({ path, headers: withKey(), body: JSON.stringify({ ...rest, customer_key: customerKey }) })).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(await send({ path, headers: withKey(), body: JSON.stringify({ ...body, customerMail: 'a@b.co' }) })).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(await send({ path, headers: { ...auth, 'Idempotency-Key': 'k-1' }, body: JSON.stringify(body) })).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(await send({ path, headers: withKey(), body: JSON.stringify({ ...body, amount: '1000' }) })).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(await send({ path, headers: withKey(), body: JSON.stringify({ ...body, orderId: 'ord' }) })).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(await send({ path, headers: withKey(), body: JSON.stringify({ ...body, orderId: 'order/with/slash' }) })).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(await send({ path, headers: withKey(), body: JSON.stringify({ ...body, customerKey: 'plainkey' }) })).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(stub.captureCount()).toBeGreaterThan(0); // earlier tests charged; none of these did:
    expect(stub.captureCount(body.orderId)).toBe(0);
  });

  it('does not find a billing key sent unencoded in the path', async () => {
    const card = await registerCard();
    const body = JSON.stringify({ customerKey: card.customerKey, amount: 1000, orderId: newOrderId(), orderName: '원두' });
    const refused = await send({ path: `/v1/billing/${card.billingKey}`, headers: { Authorization: basic(stub.secretKey), ...json, 'Idempotency-Key': 'k-2' }, body });
    expect(refused.status).toBe(404);
  });

  it('refuses an issue request with a customerKey that breaks Toss\'s format', async () => {
    stub.addAuthKey('auth_format', KB_CREDIT);
    const refused = await send({ path: '/v1/billing/authorizations/issue', headers: { Authorization: basic(stub.secretKey), ...json }, body: JSON.stringify({ authKey: 'auth_format', customerKey: 'x' }) });
    expect(refused).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
  });
});

describe('logging', () => {
  it('never logs the secret key, a billing key, an authKey or a card number', async () => {
    const logged = captureLogs();
    const customerKey = newCustomerKey();
    stub.addAuthKey('auth_logging-1', { ...KB_CREDIT, customerKey, issuerCode: 'Q1' });
    const card = { billingKey: (await gateway().issueBillingKey({ authKey: 'auth_logging-1', customerKey })).billingKey, customerKey };
    stub.failNext('charge', { status: 400, code: 'PROVIDER_ERROR' });
    await gateway().charge(chargeRequest(card));
    await gateway().charge(chargeRequest(card, { amount: 10 }));
    await gateway({ secretKey: 'test_sk_rotated-secret' }).charge(chargeRequest(card));
    await gateway({ baseUrl: await closedPortUrl() }).charge(chargeRequest(card));
    await gateway().deleteBillingKey(card);
    await gateway().deleteBillingKey(card);

    const text = JSON.stringify(logged);
    expect(logged.length).toBeGreaterThan(4);
    for (const secret of [stub.secretKey, 'test_sk_rotated-secret', card.billingKey, encodeURIComponent(card.billingKey), 'auth_logging-1', KB_CREDIT.number]) {
      expect(text).not.toContain(secret);
    }
  });
});

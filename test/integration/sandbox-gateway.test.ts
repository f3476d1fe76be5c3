/**
 * The sandbox adapter against the sandbox PG, through the real local system
 * (HTTP, as a real PG is called): every test card, idempotency keys,
 * duplicate order ids, the timeout-after-capture card, KakaoPay, deleting
 * keys, single-use authKeys and foreign-card facts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayRefusal, type PaymentGateway } from '../../functions/adapters/gateways/payment-gateway.ts';
import { sandboxGateway } from '../../functions/adapters/gateways/sandbox.ts';
import { fixedClock } from '../../functions/core/clock.ts';
import { seoulDate } from '../../functions/core/dates.ts';
import { SandboxPg } from '../../local/sandbox-pg.ts';
import { GATEWAY_ENV, SANDBOX_PG_PATHS } from '../../system/payment-gateways.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';

let t: TestSystem;
let gateway: PaymentGateway;
let sequence = 0;

beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  gateway = sandboxGateway({ baseUrl: t.system.url });
});
afterAll(() => t.stop());

/** A fresh customer and order ids in Toss's format, so tests never collide. */
const unique = (prefix: string) => `${prefix}-${process.pid}-${++sequence}`;

async function authorize(body: { cardNumber: string } | { kakaoPayMethod: 'card' | 'money' }): Promise<string> {
  const response = await t.call('POST', SANDBOX_PG_PATHS.authorize, { body: { subscriptionId: unique('sub'), ...body } });
  expect(response.status).toBe(200);
  return response.body.authKey as string;
}

async function register(cardNumber: string) {
  const customerKey = unique('ck');
  const issued = await gateway.issueBillingKey({ authKey: await authorize({ cardNumber }), customerKey });
  return { ...issued, customerKey };
}

const chargeOf = (key: { billingKey: string; customerKey: string }, orderId = unique('order'), idempotencyKey = unique('idem')) => ({
  billingKey: key.billingKey,
  customerKey: key.customerKey,
  amount: 25_000,
  orderId,
  orderName: 'House blend beans 1kg',
  idempotencyKey,
});

/** The expiry month `months` after the local clock's month (Seoul): what the sandbox reports for a test card. */
async function monthsAfterNow(months: number) {
  const now = (await t.call('GET', '/_local/clock')).body.now as string;
  const [year, month] = seoulDate(new Date(now)).split('-').map(Number) as [number, number];
  const index = year * 12 + month - 1 + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

describe('the sandbox adapter', () => {
  it('stands in for a gateway, looks charges up as that gateway can, and opens its window in that shape', async () => {
    expect(gateway.name).toBe('sandbox:tosspayments');
    expect(gateway.supportsLookup).toBe(true);
    expect((await gateway.openRegistration({ subscriptionId: 'sub-1', customerKey: 'ck-1', method: 'card', itemName: 'Beans' })).window).toMatchObject({
      gateway: 'tosspayments',
      handsBack: 'authKey',
      customerKey: 'ck-1',
      sandbox: { authorizeUrl: '/_local/sandbox-pg/authorize', subscriptionId: 'sub-1' },
    });
    const kakao = sandboxGateway({ baseUrl: t.system.url, gateway: 'kakaopay' });
    expect(kakao.supportsLookup).toBe(false);
    const opened = await kakao.openRegistration({ subscriptionId: 'sub-2', customerKey: 'ck-2', method: 'kakaopay', itemName: 'Beans' });
    expect(opened.session).toMatch(/^sbx_tid_/);
    expect(opened.window).toMatchObject({ gateway: 'kakaopay', handsBack: 'pg_token', nextRedirectPcUrl: expect.stringContaining('/_local/sandbox-pg/authorize') });
  });

  it('is what the handlers get locally (SANDBOX_PG_URL, PG_SANDBOX)', () => {
    expect(process.env[GATEWAY_ENV.sandboxUrl]).toBe(t.system.url);
    expect(process.env[GATEWAY_ENV.sandbox]).toBe('true');
    expect(t.system.info.sandboxPg).toBe(t.system.url);
  });
});

describe('9410-0000-0000-0001: every charge succeeds', () => {
  it('issues a domestic card key, charges it, and finds the charge by order id', async () => {
    const key = await register('9410-0000-0000-0001');
    expect(key.billingKey).toMatch(/^sbx_bk_/);
    expect(key.card).toEqual({ method: 'card', issuer: 'Sandbox Card', last4: '0001', cardType: 'credit', foreign: false, expiry: await monthsAfterNow(60) });

    const request = chargeOf(key);
    const outcome = await gateway.charge(request);
    expect(outcome).toMatchObject({ status: 'PAID', amount: 25_000, paymentKey: expect.stringMatching(/^sbx_pay_/) });

    expect(await gateway.findChargeByOrderId(request.orderId)).toEqual(outcome);
    expect(await gateway.charge(chargeOf(key))).toMatchObject({ status: 'PAID' });
  });

  it("stamps approvals with the local system's (simulated) clock, in Seoul time", async () => {
    const key = await register('9410000000000001');
    const outcome = await gateway.charge(chargeOf(key));
    const now = (await t.call('GET', '/_local/clock')).body.now as string;

    expect(outcome.status).toBe('PAID');
    if (outcome.status !== 'PAID') return;
    expect(outcome.approvedAt).toMatch(/\+09:00$/);
    expect(Math.abs(new Date(outcome.approvedAt).getTime() - new Date(now).getTime())).toBeLessThan(5_000);
  });
});

describe('9410-0000-0000-0002: every charge is declined', () => {
  it('declines with the card company code, and a new attempt on the same order is declined again, not a duplicate', async () => {
    const key = await register('9410-0000-0000-0002');
    const orderId = unique('order');

    const first = await gateway.charge(chargeOf(key, orderId));
    expect(first).toEqual({ status: 'DECLINED', code: 'REJECT_CARD_PAYMENT', reason: 'INSUFFICIENT_FUNDS', message: expect.stringContaining('잔액 부족'), detail: expect.stringContaining('insufficient funds') });
    expect(await gateway.findChargeByOrderId(orderId)).toEqual(first);

    // The afternoon retry: same order, new idempotency key (a declined order id is not "paid").
    expect(await gateway.charge(chargeOf(key, orderId))).toMatchObject({ status: 'DECLINED', code: 'REJECT_CARD_PAYMENT' });
  });
});

describe('9410-0000-0000-0003: the first charge attempt times out after the capture', () => {
  it('answers UNKNOWN, the lookup then says PAID, and only the first attempt times out', async () => {
    const key = await register('9410-0000-0000-0003');
    const request = chargeOf(key);

    const first = await gateway.charge(request);
    expect(first).toEqual({ status: 'UNKNOWN', message: expect.stringContaining('504') });

    const found = await gateway.findChargeByOrderId(request.orderId);
    expect(found).toMatchObject({ status: 'PAID', amount: 25_000 });
    // Asking again with the same idempotency key answers the payment that was made.
    expect(await gateway.charge(request)).toEqual(found);
    // Another key for the paid order is a duplicate: unknown, so the caller looks it up.
    expect(await gateway.charge({ ...request, idempotencyKey: unique('idem') })).toEqual({ status: 'UNKNOWN', message: expect.stringContaining('DUPLICATED_ORDER_ID') });
    // The next cycle's charge goes through.
    expect(await gateway.charge(chargeOf(key))).toMatchObject({ status: 'PAID' });
  });

  it('answers 504 GATEWAY_TIMEOUT on the wire (what the adapter sees)', async () => {
    const key = await register('9410-0000-0000-0003');
    const response = await t.call('POST', SANDBOX_PG_PATHS.charges, { body: chargeOf(key) });

    expect(response.status).toBe(504);
    expect(response.body.error.code).toBe('GATEWAY_TIMEOUT');
  });
});

describe('9410-0000-0000-0004: a card expiring at the end of next month (issue 14)', () => {
  it('reports the month after the registration month as its expiry, across a year end, and charges like the succeeding card', async () => {
    // The clock moved straight to this year's last half hour in Seoul (the clock only moves forward; the
    // scheduled runs of the days in between have nothing to do with the sandbox's expiry, so none is fired).
    const year = Number(((await t.call('GET', '/_local/clock')).body.now as string).slice(0, 4));
    t.system.clock.moveTo(new Date(`${year}-12-31T23:30:00+09:00`));
    const key = await register('9410-0000-0000-0004');
    expect(key.card).toEqual({ method: 'card', issuer: 'Sandbox Card', last4: '0004', cardType: 'credit', foreign: false, expiry: { year: year + 1, month: 1 } });
    expect(await gateway.charge(chargeOf(key))).toMatchObject({ status: 'PAID' });
  });
});

describe('4242-4242-4242-4242: a foreign card', () => {
  it('is issued with foreign facts, so the use case can refuse it (S16) and delete the key', async () => {
    const key = await register('4242-4242-4242-4242');
    expect(key.card).toEqual({ method: 'card', issuer: 'Visa', last4: '4242', cardType: 'credit', foreign: true, expiry: await monthsAfterNow(60) });

    await gateway.deleteBillingKey(key);
    expect(t.system.sandboxPg.billingKey(key.billingKey)?.deletedAt).toBeDefined();
  });
});

describe('KakaoPay', () => {
  const kakao = () => sandboxGateway({ baseUrl: t.system.url, gateway: 'kakaopay' });
  /** KakaoPay's flow: ready (a tid), the buyer's window for that ready (a pg_token, here the authKey), then approve with the tid. */
  async function ready(kakaoPayMethod: 'card' | 'money' = 'card') {
    const subscriptionId = unique('sub');
    const customerKey = unique('ck');
    const { session } = await kakao().openRegistration({ subscriptionId, customerKey, method: 'kakaopay', itemName: 'House blend beans 1kg' });
    const window = await t.call('POST', SANDBOX_PG_PATHS.authorize, { body: { subscriptionId, kakaoPayMethod } });
    expect(window.status).toBe(200);
    return { subscriptionId, customerKey, tid: session!, authKey: window.body.authKey as string };
  }

  it.each(['card', 'money'] as const)('issues a kakaopay key paying by %s, and charges it', async (kakaoPayMethod) => {
    const { customerKey, tid, authKey } = await ready(kakaoPayMethod);
    expect(tid).toMatch(/^sbx_tid_/);
    const issued = await kakao().issueBillingKey({ authKey, customerKey, session: tid });

    expect(issued.card).toEqual({ method: 'kakaopay', issuer: 'KakaoPay', last4: null, cardType: 'unknown', foreign: false, kakaoPayMethod });
    expect(await kakao().charge(chargeOf({ billingKey: issued.billingKey, customerKey }))).toMatchObject({ status: 'PAID' });
  });

  it("approves only with the tid of the window's own ready, and the ready's customer", async () => {
    const mine = await ready();
    const other = await ready();
    await expect(kakao().issueBillingKey({ authKey: mine.authKey, customerKey: mine.customerKey, session: other.tid })).rejects.toMatchObject({ code: 'INVALID_TID' });
    await expect(kakao().issueBillingKey({ authKey: mine.authKey, customerKey: mine.customerKey })).rejects.toMatchObject({ code: 'INVALID_TID' });
    await expect(kakao().issueBillingKey({ authKey: mine.authKey, customerKey: mine.customerKey, session: 'sbx_tid_000000000000000000000000' })).rejects.toMatchObject({ code: 'INVALID_TID' });
    await expect(kakao().issueBillingKey({ authKey: mine.authKey, customerKey: other.customerKey, session: mine.tid })).rejects.toMatchObject({ code: 'INVALID_USER' });
    // None of those used the pg_token up: the right approve still succeeds, once.
    expect((await kakao().issueBillingKey({ authKey: mine.authKey, customerKey: mine.customerKey, session: mine.tid })).card.method).toBe('kakaopay');
  });

  it("opens the window only for a tid it issued to that subscription, and a card approve names no tid", async () => {
    const mine = await ready();
    const without = await t.call('POST', SANDBOX_PG_PATHS.authorize, { body: { subscriptionId: unique('sub'), kakaoPayMethod: 'card' } });
    expect([without.status, without.body.error.code]).toEqual([422, 'NO_READY']);
    const foreign = await t.call('POST', SANDBOX_PG_PATHS.authorize, { body: { subscriptionId: unique('sub'), kakaoPayMethod: 'card', tid: mine.tid } });
    expect([foreign.status, foreign.body.error.code]).toEqual([422, 'INVALID_TID']);
    const named = await t.call('POST', SANDBOX_PG_PATHS.authorize, { body: { subscriptionId: mine.subscriptionId, kakaoPayMethod: 'money', tid: mine.tid } });
    expect(named.status).toBe(200);
    expect(t.system.sandboxPg.authorization(named.body.authKey)?.tid).toBe(mine.tid);

    const card = await t.call('POST', SANDBOX_PG_PATHS.issueBillingKey, { body: { authKey: await authorize({ cardNumber: '9410-0000-0000-0001' }), customerKey: unique('ck'), tid: mine.tid } });
    expect([card.status, card.body.error.code]).toEqual([422, 'INVALID_TID']);
  });
});

describe('idempotency keys and order ids', () => {
  it('answers a repeated idempotency key with the first result, charging once', async () => {
    const key = await register('9410-0000-0000-0001');
    const request = chargeOf(key);

    const first = await gateway.charge(request);
    const again = await gateway.charge(request);
    expect(again).toEqual(first);
    // Even with another amount: the key names the request, as at Toss.
    expect(await gateway.charge({ ...request, amount: 1 })).toEqual(first);
  });

  it('answers a paid order id under another key as a duplicate (UNKNOWN: look it up), never a second charge', async () => {
    const key = await register('9410-0000-0000-0001');
    const request = chargeOf(key);
    const paid = await gateway.charge(request);

    const duplicate = await gateway.charge({ ...request, idempotencyKey: unique('idem') });
    expect(duplicate).toEqual({ status: 'UNKNOWN', message: expect.stringContaining('DUPLICATED_ORDER_ID') });
    expect(await gateway.findChargeByOrderId(request.orderId)).toEqual(paid);

    const wire = await t.call('POST', SANDBOX_PG_PATHS.charges, { body: { ...request, idempotencyKey: unique('idem') } });
    expect(wire.status).toBe(409);
    expect(wire.body.error.code).toBe('DUPLICATED_ORDER_ID');
  });

  it('finds nothing for an order that was never charged', async () => {
    expect(await gateway.findChargeByOrderId(unique('order'))).toEqual({ status: 'NOT_FOUND' });
  });

  it("declines a charge with another customer's key, and an order id Toss would refuse", async () => {
    const key = await register('9410-0000-0000-0001');

    expect(await gateway.charge({ ...chargeOf(key), customerKey: unique('ck') })).toMatchObject({ status: 'DECLINED', code: 'CUSTOMER_KEY_MISMATCH' });
    expect(await gateway.charge({ ...chargeOf(key), orderId: 'a/b' })).toMatchObject({ status: 'DECLINED', code: 'VALIDATION_FAILED' });
  });
});

describe('billing keys', () => {
  it('are deleted idempotently, and a deleted key charges nothing', async () => {
    const key = await register('9410-0000-0000-0001');

    await gateway.deleteBillingKey(key);
    await gateway.deleteBillingKey(key);
    await gateway.deleteBillingKey({ billingKey: 'sbx_bk_never_issued', customerKey: key.customerKey });
    expect(await gateway.charge(chargeOf(key))).toMatchObject({ status: 'DECLINED', code: 'NOT_FOUND_BILLING_KEY' });
  });

  it('may only be deleted for their own customer', async () => {
    const key = await register('9410-0000-0000-0001');

    await expect(gateway.deleteBillingKey({ billingKey: key.billingKey, customerKey: unique('ck') })).rejects.toMatchObject({ name: 'GatewayRefusal', code: 'CUSTOMER_KEY_MISMATCH' });
    expect(await gateway.charge(chargeOf(key))).toMatchObject({ status: 'PAID' });
  });

  it('come from an authKey once: a second exchange, or an unknown authKey, is refused', async () => {
    const authKey = await authorize({ cardNumber: '9410-0000-0000-0001' });
    await gateway.issueBillingKey({ authKey, customerKey: unique('ck') });

    const second = gateway.issueBillingKey({ authKey, customerKey: unique('ck') });
    await expect(second).rejects.toBeInstanceOf(GatewayRefusal);
    await expect(second).rejects.toMatchObject({ code: 'AUTH_KEY_ALREADY_USED' });
    await expect(gateway.issueBillingKey({ authKey: 'sbx_auth_000000000000000000000000', customerKey: unique('ck') })).rejects.toMatchObject({ code: 'INVALID_AUTH_KEY' });
  });
});

describe('when the PG does not answer', () => {
  let silent: Server;
  let silentUrl: string;

  beforeAll(async () => {
    // Reads the request, never answers: a PG that hangs.
    silent = createServer((request) => request.resume());
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const address = silent.address();
    silentUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  afterAll(() => {
    silent.closeAllConnections();
    silent.close();
  });

  it("reports a charge and a lookup as UNKNOWN after the adapter's timeout, and never throws", async () => {
    const hanging = sandboxGateway({ baseUrl: silentUrl, timeoutMs: 200 });
    const started = Date.now();

    expect(await hanging.charge(chargeOf({ billingKey: 'sbx_bk_x', customerKey: 'ck-x' }))).toEqual({ status: 'UNKNOWN', message: expect.stringContaining('no answer within 200 ms') });
    expect(await hanging.findChargeByOrderId('order-1')).toMatchObject({ status: 'UNKNOWN' });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('reports an unreachable PG as UNKNOWN for a charge, and as an error (not a refusal) for a key', async () => {
    const closed = sandboxGateway({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1_000 });

    expect(await closed.charge(chargeOf({ billingKey: 'sbx_bk_x', customerKey: 'ck-x' }))).toMatchObject({ status: 'UNKNOWN' });
    const issuing = closed.issueBillingKey({ authKey: 'sbx_auth_x', customerKey: 'ck-x' });
    await expect(issuing).rejects.toThrow(/did not issue a billing key/);
    await expect(issuing).rejects.not.toBeInstanceOf(GatewayRefusal);
  });
});

describe('the sandbox PG state (LOCAL_DATA)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-pg-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('survives a restart and never holds a card number', () => {
    const clock = fixedClock('2025-03-01T01:00:00Z');
    const before = SandboxPg.create(dir, clock);
    const issued = [
      before.issueBillingKey({ authKey: before.authorize({ subscriptionId: 'sub-1', cardNumber: '9410-0000-0000-0003' }).authKey, customerKey: 'ck-1' }),
      before.issueBillingKey({ authKey: before.authorize({ subscriptionId: 'sub-2', cardNumber: '4242424242424242' }).authKey, customerKey: 'ck-2' }),
    ];
    const request = { billingKey: issued[0]!.billingKey, customerKey: 'ck-1', amount: 1000, orderId: 'order-1', orderName: 'Beans', idempotencyKey: 'idem-1' };
    expect(() => before.charge(request)).toThrow(/did not answer in time/);

    const after = SandboxPg.create(dir, clock);
    expect(after.findPaymentByOrderId('order-1')).toMatchObject({ status: 'DONE', approvedAt: '2025-03-01T10:00:00+09:00' });
    expect(after.charge(request)).toMatchObject({ status: 'DONE' });
    expect(after.billingKey(issued[1]!.billingKey)?.card.foreign).toBe(true);

    const stored = readFileSync(join(dir, 'sandbox-pg.json'), 'utf8');
    for (const number of ['9410000000000003', '9410-0000-0000-0003', '4242424242424242', '4242-4242-4242-4242']) expect(stored).not.toContain(number);
  });
});

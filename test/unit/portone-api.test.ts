/**
 * The PortOne adapter's four calls (portone-api.ts) against a local stub that
 * answers like PortOne V2: the requests are the ones PortOne's server SDK
 * makes (method, path, auth header, body with the store id), a refusal throws
 * with its body as `data`, and the adapter reads the answers: PAID, a PG
 * decline in our words, PAYMENT_NOT_FOUND as NOT_FOUND, ALREADY_PAID looked up.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { portOneClient, PortOneError } from '../../functions/adapters/gateways/portone-api.ts';
import { portOneGateway } from '../../functions/adapters/gateways/portone.ts';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly auth: string | undefined;
  readonly body: unknown;
}

const seen: Seen[] = [];
const payments = new Map<string, Record<string, unknown>>();
let server: Server;
let baseUrl: string;

const read = async (request: IncomingMessage) => {
  let text = '';
  for await (const chunk of request) text += String(chunk);
  return text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
};

beforeAll(async () => {
  server = createServer((request, response) => {
    void (async () => {
      const body = await read(request);
      seen.push({ method: request.method!, url: request.url!, auth: request.headers.authorization, body });
      const answer = (status: number, json: unknown) => response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      const paymentId = decodeURIComponent(/^\/payments\/([^/?]+)/.exec(request.url!)?.[1] ?? '');
      if (request.method === 'POST' && request.url!.endsWith('/billing-key')) {
        if (body?.billingKey === 'declining') return answer(400, { type: 'PG_PROVIDER', message: 'declined', pgCode: 'REJECT_CARD_PAYMENT', pgMessage: '잔액 부족' });
        if (payments.has(paymentId)) return answer(409, { type: 'ALREADY_PAID', message: 'already paid' });
        payments.set(paymentId, { id: paymentId, status: 'PAID', amount: { total: (body?.amount as { total: number }).total }, paidAt: '2026-12-09T01:00:00Z', pgTxId: `tx-${paymentId}` });
        return answer(200, { payment: { pgTxId: `tx-${paymentId}`, paidAt: '2026-12-09T01:00:00Z' } });
      }
      if (request.method === 'GET' && request.url!.startsWith('/payments/')) {
        const payment = payments.get(paymentId);
        return payment ? answer(200, payment) : answer(404, { type: 'PAYMENT_NOT_FOUND', message: 'no such payment' });
      }
      if (request.method === 'DELETE') return answer(404, { type: 'BILLING_KEY_ALREADY_DELETED', message: 'gone' });
      return answer(404, { type: 'NOT_FOUND', message: 'no route' });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const options = { gateway: 'kcp', storeId: 'store-00000000-0000-0000-0000-000000000001', apiSecret: 'secret-0001', channelKey: 'channel-key-1' };
const charge = (orderId: string, billingKey = 'bk-1') => ({ billingKey, customerKey: 'ck_1', amount: 68_000, orderId, orderName: 'Beans 1kg 외 1건', idempotencyKey: `idem:${orderId}` });

describe('PortOne V2 without the SDK', () => {
  it('sends the SDK\'s requests: POST /payments/{id}/billing-key with the store id in the body, PortOne auth', async () => {
    const client = portOneClient({ secret: 'secret-0001', storeId: options.storeId, baseUrl });
    await client.payWithBillingKey({ paymentId: 'order/1', billingKey: 'bk-1', channelKey: 'channel-key-1', orderName: 'Beans', amount: { total: 1000 }, currency: 'KRW', customer: { id: 'ck_1' } });
    expect(seen.at(-1)).toEqual({
      method: 'POST',
      url: '/payments/order%2F1/billing-key',
      auth: 'PortOne secret-0001',
      body: { storeId: options.storeId, billingKey: 'bk-1', channelKey: 'channel-key-1', orderName: 'Beans', amount: { total: 1000 }, currency: 'KRW', customer: { id: 'ck_1' } },
    });
    const refused = await client.getPayment({ paymentId: 'missing' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(PortOneError);
    expect((refused as PortOneError).data).toEqual({ type: 'PAYMENT_NOT_FOUND', message: 'no such payment' });
  });

  it('the adapter: PAID, then ALREADY_PAID looked up as the same payment; a PG decline in our words; NOT_FOUND; a deleted key is gone', async () => {
    const gateway = portOneGateway({ ...options, baseUrl });
    expect(await gateway.charge(charge('o-1'))).toEqual({ status: 'PAID', paymentKey: 'tx-o-1', amount: 68_000, approvedAt: '2026-12-09T01:00:00Z' });
    expect(await gateway.charge(charge('o-1'))).toEqual({ status: 'PAID', paymentKey: 'tx-o-1', amount: 68_000, approvedAt: '2026-12-09T01:00:00Z' });
    expect(await gateway.charge(charge('o-2', 'declining'))).toMatchObject({ status: 'DECLINED', code: 'REJECT_CARD_PAYMENT', detail: '잔액 부족' });
    expect(await gateway.findChargeByOrderId('o-3')).toEqual({ status: 'NOT_FOUND' });
    await expect(gateway.deleteBillingKey({ billingKey: 'bk-1', customerKey: 'ck_1' })).resolves.toBeUndefined();
  });
});

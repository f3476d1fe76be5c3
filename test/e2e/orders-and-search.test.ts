/**
 * Through the real local HTTP server (issue 13):
 * - GET /admin/orders: the shop's CHARGED cycles (or FAILED, status=FAILED) in a range of Seoul dates, newest
 *   first, paged with a cursor bound to the query (400 INVALID_CURSOR otherwise), another shop's never shown;
 * - GET /admin/orders.csv: what the warehouse ships, UTF-8 with BOM, RFC 4180, a formula-injection guard,
 *   the range bounded (400 beyond 31 days);
 * - GET /admin/subscriptions?email=|phone=: exact, normalised, through the contact pointers' index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/dates.ts';
import { processCharge } from '../../functions/use-cases/runs/charge.ts';
import { bootCharging, CARDS, chargeDeps, chargeItem, noticedSubscription, testClock, type Harness, type Noticed } from '../integration/charge-harness.ts';
import { activeShop, shippingAddress } from '../support/storefront.ts';

let h: Harness;
let shopId: string;
let admin: string;
let paid: Noticed[];
let failed: Noticed;
let day: string;

/** Charges (or fails, at the last run of the window) a noticed cycle as the charge run does, at 10:00 on `date`. */
async function charge(n: Noticed, date: string, time = '10:00') {
  const deps = chargeDeps(h, { clock: testClock(`${date}T${time}:05+09:00`) });
  return processCharge(deps, chargeItem(n.cycle, time, date));
}

beforeAll(async () => {
  h = await bootCharging();
  ({ shopId, admin } = await activeShop(h.t));
  const first = await noticedSubscription(h, shopId);
  day = first.cycle.chargeDate;
  // A recipient that would start a spreadsheet formula, and an address line with a comma and quotes.
  const second = await noticedSubscription(h, shopId, { overrides: { shippingAddress: { ...shippingAddress, recipient: '=HYPERLINK("x")', address2: '101동, "A" 3층' } } });
  paid = [first, second];
  expect(await charge(first, day)).toMatchObject({ result: 'charged' });
  expect(await charge(second, addDays(day, 1))).toMatchObject({ result: 'charged' });
  failed = await noticedSubscription(h, shopId, { card: CARDS.declines });
  expect(await charge(failed, addDays(day, 3), '17:00')).toMatchObject({ result: 'failed' });
});
afterAll(() => h?.t.stop());

const get = (path: string, token = admin) => h.t.call('GET', path, { token });
const range = () => `from=${day}&to=${addDays(day, 3)}`;

describe('GET /admin/orders', () => {
  it('lists the CHARGED cycles paid in the range, newest first, with what to ship; paged by a cursor', async () => {
    const all = await get(`/admin/orders?${range()}`);
    expect(all.status).toBe(200);
    expect(all.body.items.map((o: { subscriptionId: string }) => o.subscriptionId)).toEqual([paid[1]!.subscription.id, paid[0]!.subscription.id]);
    expect(all.body.items[1]).toMatchObject({
      orderId: `${paid[0]!.subscription.id}-${paid[0]!.cycle.deliveryDate.replaceAll('-', '')}-1`,
      status: 'CHARGED',
      deliveryDate: paid[0]!.cycle.deliveryDate,
      amount: 68_000,
      items: [{ productId: 'beans', name: 'Beans 1kg', quantity: 2, unitPrice: 25_000 }, { productId: 'drip', name: 'Drip bags 30', quantity: 1, unitPrice: 18_000 }],
      shippingAddress: { recipient: '김민지' },
      // The PG's approval time (the sandbox's clock); the list's range is by when the charge was recorded.
      paidAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+09:00$/),
      chargedAt: expect.stringMatching(new RegExp(`^${day}T10:00`)),
    });
    const first = await get(`/admin/orders?${range()}&limit=1`);
    expect(first.body.items).toHaveLength(1);
    const second = await get(`/admin/orders?${range()}&limit=1&cursor=${first.body.nextCursor}`);
    expect(second.body).toMatchObject({ items: [{ subscriptionId: paid[0]!.subscription.id }], nextCursor: null });
    // The range is a key condition: a day without payments is empty.
    expect((await get(`/admin/orders?from=${addDays(day, 2)}&to=${addDays(day, 2)}`)).body.items).toEqual([]);
  });

  it('status=FAILED lists the payments that failed for good, with the reason', async () => {
    const response = await get(`/admin/orders?${range()}&status=FAILED`);
    expect(response.body.items).toEqual([expect.objectContaining({ status: 'FAILED', subscriptionId: failed.subscription.id, attempts: 1, failure: expect.objectContaining({ code: 'REJECT_CARD_PAYMENT' }) })]);
  });

  it.each([
    ['a garbled cursor', async (): Promise<string> => `/admin/orders?${range()}&cursor=not-a-cursor`, 'INVALID_CURSOR'],
    ['a cursor of another query', async (): Promise<string> => `/admin/orders?${range()}&status=FAILED&cursor=${(await get(`/admin/orders?${range()}&limit=1`)).body.nextCursor}`, 'INVALID_CURSOR'],
    ['to before from', async (): Promise<string> => `/admin/orders?from=${day}&to=${addDays(day, -1)}`, 'VALIDATION_FAILED'],
    ['an unknown status', async (): Promise<string> => `/admin/orders?status=SHIPPED`, 'VALIDATION_FAILED'],
  ] as const)('%s → 400 %s', async (_case, path, code) => {
    expect(await get(await path())).toMatchObject({ status: 400, body: { error: { code } } });
  });

  it("another shop sees none of them", async () => {
    const other = await h.t.token('admin', 'other-shop', 'owner');
    expect((await get(`/admin/orders?${range()}`, other)).body.items).toEqual([]);
  });
});

describe('GET /admin/orders.csv', () => {
  const csv = async (query: string) => {
    const response = await fetch(`${h.t.system.url}/admin/orders.csv?${query}`, { headers: { authorization: `Bearer ${admin}` } });
    return { status: response.status, type: response.headers.get('content-type'), disposition: response.headers.get('content-disposition'), bytes: new Uint8Array(await response.arrayBuffer()) };
  };

  it('is UTF-8 with a BOM, RFC 4180, one row per order by delivery date, formulas defused', async () => {
    const { status, type, disposition, bytes } = await csv(range());
    expect(status).toBe(200);
    expect(type).toBe('text/csv; charset=utf-8');
    expect(disposition).toBe(`attachment; filename="orders-${day}-${addDays(day, 3)}.csv"`);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n');
    expect(lines[0]).toBe('주문번호,배송일,수령인,수령인 연락처,우편번호,주소,상세주소,상품,결제금액,결제일시,정기배송번호,고객ID');
    expect(lines.slice(1, -1)).toHaveLength(2);
    expect(lines.at(-1)).toBe('');
    const row = lines.find((line) => line.includes(paid[0]!.subscription.id))!;
    expect(row).toMatch(new RegExp(`^${paid[0]!.subscription.id}-\\d{8}-1,${paid[0]!.cycle.deliveryDate},김민지,01012345678,04524,서울특별시 중구 세종대로 110,3층,Beans 1kg x2; Drip bags 30 x1,68000,[^,]+\\+09:00,${paid[0]!.subscription.id},${paid[0]!.customerId}$`));
    // The recipient would run as a formula: prefixed with an apostrophe, and quoted (it holds quotes).
    const risky = lines.find((line) => line.includes(paid[1]!.subscription.id))!;
    expect(risky).toContain(`,"'=HYPERLINK(""x"")",01012345678,04524,서울특별시 중구 세종대로 110,"101동, ""A"" 3층",`);
  });

  it("without a range, today's orders: none paid today here, so the header alone", async () => {
    const { status, bytes } = await csv('');
    expect(status).toBe(200);
    expect(new TextDecoder().decode(bytes.slice(3))).toBe('주문번호,배송일,수령인,수령인 연락처,우편번호,주소,상세주소,상품,결제금액,결제일시,정기배송번호,고객ID\r\n');
  });

  it('the OpenAPI document states it as text/csv, with its bounds', async () => {
    const operation = (await h.t.call('GET', '/openapi.json')).body.paths['/admin/orders.csv'].get;
    expect(Object.keys(operation.responses['200'].content)).toEqual(['text/csv']);
    expect(operation.responses['422'].content['application/json'].examples).toHaveProperty('EXPORT_TOO_LARGE');
    expect(operation.parameters.map((p: { name: string; required: boolean }) => [p.name, p.required])).toEqual([['from', false], ['to', false]]);
  });

  it.each([
    ['longer than 31 days', `from=${'2026-01-01'}&to=${'2026-02-01'}`],
    ['to before from', 'from=2026-02-01&to=2026-01-31'],
  ])('%s → 400 VALIDATION_FAILED', async (_case, query) => {
    const response = await get(`/admin/orders.csv?${query}`);
    expect(response).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED' } } });
  });
});

describe('GET /admin/subscriptions?email=|phone= (exact, normalised, through an index)', () => {
  it.each([
    ['email, another case', (): string => `email=${encodeURIComponent(paid[0]!.email.toUpperCase())}`, (): Noticed[] => [paid[0]!]],
    ['phone with dashes', (): string => 'phone=010-2222-3333', (): Noticed[] => [failed, paid[1]!, paid[0]!]],
    ['phone as digits, with status', (): string => 'phone=01022223333&status=ACTIVE', (): Noticed[] => [failed, paid[1]!, paid[0]!]],
    ['phone in +82 form', (): string => `phone=${encodeURIComponent('+82 10 2222 3333')}`, (): Noticed[] => [failed, paid[1]!, paid[0]!]],
    ['an email no buyer has', (): string => 'email=nobody%40example.com', (): Noticed[] => []],
    ['email and customer id together', (): string => `email=${encodeURIComponent(paid[1]!.email)}&customerId=${paid[1]!.customerId}`, (): Noticed[] => [paid[1]!]],
  ] as const)('%s', async (_case, query, expected) => {
    const response = await get(`/admin/subscriptions?${query()}`);
    expect(response.status).toBe(200);
    expect(response.body.items.map((s: { id: string }) => s.id)).toEqual(expected().map((n) => n.subscription.id));
  });

  it("another shop's admin finds nothing by the same email", async () => {
    const other = await h.t.token('admin', 'other-shop', 'owner');
    expect((await get(`/admin/subscriptions?email=${encodeURIComponent(paid[0]!.email)}`, other)).body.items).toEqual([]);
  });

  it('a malformed email or phone is 400', async () => {
    expect(await get('/admin/subscriptions?email=not-an-email')).toMatchObject({ status: 400, body: { error: { details: [{ path: 'query.email' }] } } });
    expect(await get('/admin/subscriptions?phone=call-me')).toMatchObject({ status: 400, body: { error: { details: [{ path: 'query.phone' }] } } });
  });
});

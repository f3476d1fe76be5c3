/**
 * Prepaid credits (S12, S24) through the real local HTTP server: the platform
 * tops up, the merchant reads its balances and ledger, a run's debits show up
 * there, and every shop sees only its own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';

let t: TestSystem;
let platform: string;
let n = 0;

beforeAll(async () => {
  t = await bootLocalSystem();
  platform = await t.token('platform', 'platform', 'ops');
  await t.call('POST', '/_local/clock', { body: { now: '2027-01-10T08:00:00+09:00' } });
});
afterAll(() => t?.stop());

async function newShop() {
  n += 1;
  const shopId = `credit-shop-${n}`;
  const created = await t.call('POST', '/platform/shops', { token: platform, body: { shopId, name: `Credits ${n}`, operatorEmail: `ops@credits-${n}.example`, productManagement: 'new' } });
  expect(created.status).toBe(201);
  return { shopId, admin: await t.token('admin', shopId, 'owner') };
}

const topUp = (shopId: string, body: unknown, token = platform) => t.call('POST', `/platform/shops/${shopId}/credits`, { token, body });
const zero = { sms: 0, bulkMail: 0, reserved: { sms: 0, bulkMail: 0 } };

describe('POST /platform/shops/{shopId}/credits (S12, S24)', () => {
  it('adds the credits and answers the new balances; the same reference again adds nothing', async () => {
    const { shopId, admin } = await newShop();
    expect((await t.call('GET', '/admin/credits', { token: admin })).body).toEqual(zero);
    const first = await topUp(shopId, { sms: 1000, bulkMail: 300, reference: 'order-1' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ sms: 1000, bulkMail: 300, reserved: { sms: 0, bulkMail: 0 } });
    expect((await topUp(shopId, { sms: 1000, bulkMail: 300, reference: 'order-1' })).body).toEqual(first.body);
    expect((await topUp(shopId, { sms: 20 })).body).toMatchObject({ sms: 1020, bulkMail: 300 });
    expect((await t.call('GET', '/admin/credits', { token: admin })).body).toEqual({ sms: 1020, bulkMail: 300, reserved: { sms: 0, bulkMail: 0 } });
  });

  it('answers 409 TOP_UP_REFERENCE_REUSED for a reference used for another amount', async () => {
    const { shopId } = await newShop();
    await topUp(shopId, { sms: 10, reference: 'order-2' });
    const again = await topUp(shopId, { sms: 11, reference: 'order-2' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('TOP_UP_REFERENCE_REUSED');
  });

  it('answers 404 for a shop that does not exist, and creates nothing', async () => {
    const response = await topUp('no-such-shop', { sms: 5 });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });

  it.each([
    ['no amount', {}, ['sms']],
    ['only a reference', { reference: 'order-3' }, ['sms']],
    ['zero', { sms: 0 }, ['sms']],
    ['a negative amount', { bulkMail: -5 }, ['bulkMail']],
    ['a fractional amount', { sms: 1.5 }, ['sms']],
    ['a string', { sms: '10' }, ['sms']],
    ['a bad reference and an unknown field', { sms: 1, reference: 'a#b', extra: true }, ['', 'reference']],
  ])('answers 400 VALIDATION_FAILED for %s', async (_case, body, paths) => {
    const { shopId, admin } = await newShop();
    const response = await topUp(shopId, body);
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(paths);
    expect((await t.call('GET', '/admin/credits', { token: admin })).body).toEqual(zero);
  });
});

describe('GET /admin/credits/ledger (S12, S24)', () => {
  it("lists top-ups and a run's debits newest first, page by page", async () => {
    const { shopId, admin } = await newShop();
    // The local clock runs on from where it is set (the tests before this one took it past 08:00): set it just before each step.
    await t.call('POST', '/_local/clock', { body: { now: '2027-01-10T08:30:00+09:00' } });
    await topUp(shopId, { sms: 5, reference: 'order-a' });
    await t.call('POST', '/_local/clock', { body: { now: '2027-01-10T09:00:00+09:00' } });
    await topUp(shopId, { bulkMail: 2, reference: 'order-b' });
    // A run debits through the same deps the handlers use (the notice run arrives with its own issue).
    const { deps } = await import('../../functions/wiring.ts');
    const { openCreditBlock } = await import('../../functions/use-cases/credit-blocks.ts');
    await t.call('POST', '/_local/clock', { body: { now: '2027-01-10T10:00:00+09:00' } });
    const block = await openCreditBlock(deps, { shopId, kind: 'sms', blockId: 'notice-2027-01-10#0#0', want: 3 });
    expect(await block.debit('payment-notice#sub-1#2027-01-12#sms', { reason: 'payment-notice', subscriptionId: 'sub-1' })).toBe('debited');
    expect((await t.call('GET', '/admin/credits', { token: admin })).body).toEqual({ sms: 2, bulkMail: 2, reserved: { sms: 3, bulkMail: 0 } });
    await block.release();
    expect((await t.call('GET', '/admin/credits', { token: admin })).body).toEqual({ sms: 4, bulkMail: 2, reserved: { sms: 0, bulkMail: 0 } });

    const first = await t.call('GET', '/admin/credits/ledger?limit=2', { token: admin });
    expect(first.status).toBe(200);
    expect(first.body.items).toEqual([
      { id: 'payment-notice#sub-1#2027-01-12#sms', kind: 'sms', change: -1, reason: 'payment-notice', subscriptionId: 'sub-1', at: '2027-01-10T10:00:00+09:00' },
      { id: 'top-up#bulkMail#order-b', kind: 'bulkMail', change: 2, reason: 'top-up', reference: 'order-b', at: '2027-01-10T09:00:00+09:00' },
    ]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.call('GET', `/admin/credits/ledger?limit=2&cursor=${first.body.nextCursor}`, { token: admin });
    expect(second.body.items).toEqual([{ id: 'top-up#sms#order-a', kind: 'sms', change: 5, reason: 'top-up', reference: 'order-a', at: '2027-01-10T08:30:00+09:00' }]);
    expect(second.body.nextCursor).toBeNull();
    expect((await t.call('GET', '/admin/credits/ledger', { token: admin })).body.items).toHaveLength(3);
  });

  it("answers 400 for a limit out of 1–100, a cursor that is not one, and another shop's cursor", async () => {
    const a = await newShop();
    const b = await newShop();
    for (const reference of ['r1', 'r2']) await topUp(a.shopId, { sms: 1, reference });
    const page = await t.call('GET', '/admin/credits/ledger?limit=1', { token: a.admin });
    for (const query of ['limit=0', 'limit=101', 'limit=two', 'cursor=not-a-cursor', `cursor=${page.body.nextCursor}`]) {
      const response = await t.call('GET', `/admin/credits/ledger?${query}`, { token: b.admin });
      expect(response.status, query).toBe(400);
      expect(response.body.error.code, query).toBe(query.startsWith('cursor') ? 'INVALID_CURSOR' : 'VALIDATION_FAILED');
    }
  });
});

describe('isolation and auth (S12)', () => {
  it("never shows a shop another shop's credits: B has its own zero balance and an empty ledger", async () => {
    const a = await newShop();
    const b = await newShop();
    await topUp(a.shopId, { sms: 500, bulkMail: 50 });
    expect((await t.call('GET', '/admin/credits', { token: a.admin })).body).toMatchObject({ sms: 500, bulkMail: 50 });
    expect((await t.call('GET', '/admin/credits', { token: b.admin })).body).toEqual(zero);
    expect((await t.call('GET', '/admin/credits/ledger', { token: b.admin })).body).toEqual({ items: [], nextCursor: null });
  });

  it('answers 404 to an admin token whose shop does not exist', async () => {
    expect((await t.call('GET', '/admin/credits', { token: await t.token('admin', 'ghost-shop') })).status).toBe(404);
  });

  it('answers 401 without a token and 403 to the wrong role, on every credits endpoint', async () => {
    const { shopId } = await newShop();
    const endpoints = [
      { method: 'POST', path: `/platform/shops/${shopId}/credits`, body: { sms: 1 }, wrong: ['admin', 'customer'] as const },
      { method: 'GET', path: '/admin/credits', wrong: ['platform', 'customer'] as const },
      { method: 'GET', path: '/admin/credits/ledger', wrong: ['platform', 'customer'] as const },
    ];
    for (const endpoint of endpoints) {
      const none = await t.call(endpoint.method, endpoint.path, { body: endpoint.body });
      expect(none.status, endpoint.path).toBe(401);
      expect(none.body.error.code).toBe('UNAUTHENTICATED');
      for (const role of endpoint.wrong) {
        const response = await t.call(endpoint.method, endpoint.path, { token: await t.token(role, shopId), body: endpoint.body });
        expect(response.status, `${role} ${endpoint.path}`).toBe(403);
        expect(response.body.error.code).toBe('FORBIDDEN');
      }
    }
    // Nothing was added by the refused calls.
    expect((await t.call('GET', '/admin/credits', { token: await t.token('admin', shopId) })).body).toEqual(zero);
  });
});

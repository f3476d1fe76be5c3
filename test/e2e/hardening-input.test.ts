/**
 * Issue 11's input defects, through the real local HTTP server: crafted list
 * cursors, a broken %-escape in the path, a top-up reference reused for the
 * other credit kind, control and bidi-override characters in free text, and
 * the local endpoints and tokens (same origin only; every token expires within
 * 12 hours; access tokens with the route's scope only).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scopeFor } from '../../system/auth.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, earliestStart, signUpBody } from '../support/storefront.ts';

let t: TestSystem;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
});
afterAll(() => t?.stop());

const cursorOf = (key: Record<string, unknown>) => Buffer.from(JSON.stringify(key)).toString('base64url');

describe('list cursors are checked against the exact key shape of their query (400 INVALID_CURSOR, never 500)', () => {
  it.each([
    ['products: the partition key alone', '/admin/products', (shop: string) => ({ pk: `SHOP#${shop}` })],
    ['products: a sort key outside PRODUCT#', '/admin/products', (shop: string) => ({ pk: `SHOP#${shop}`, sk: 'SHOP' })],
    ['products: an empty sort key', '/admin/products', (shop: string) => ({ pk: `SHOP#${shop}`, sk: '' })],
    ['products: a number for a key', '/admin/products', (shop: string) => ({ pk: `SHOP#${shop}`, sk: 7 })],
    ['the ledger: the index partition key alone', '/admin/credits/ledger', (shop: string) => ({ gsi1pk: `SHOP#${shop}#LEDGER` })],
    ['the ledger: the table keys alone', '/admin/credits/ledger', (shop: string) => ({ pk: `SHOP#${shop}#LEDGER`, sk: 'ENTRY#x' })],
    ['subscriptions: another index', '/admin/subscriptions', (shop: string) => ({ pk: 'SUB#x', sk: 'SUB', gsi2pk: `SHOP#${shop}#CUST#a`, gsi2sk: 'SUB#x' })],
    ['a JSON array', '/admin/products', () => ['pk']],
  ])('%s', async (_what, path, key) => {
    const { shopId, admin } = await activeShop(t, { active: false });
    const response = await t.call('GET', `${path}?cursor=${cursorOf(key(shopId) as Record<string, unknown>)}`, { token: admin });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'INVALID_CURSOR', details: [{ path: 'query.cursor' }] });
  });

  it('still pages with the cursors it hands out', async () => {
    const { admin } = await activeShop(t, { active: false });
    const first = await t.call('GET', '/admin/products?limit=2', { token: admin });
    const second = await t.call('GET', `/admin/products?limit=2&cursor=${first.body.nextCursor}`, { token: admin });
    expect(second.status).toBe(200);
    expect([...first.body.items, ...second.body.items].map((p: { productId: string }) => p.productId)).toEqual(['beans', 'drip', 'event', 'mug']);
  });
});

it('a path with a broken %-escape is 400, as API Gateway answers, not 500', async () => {
  const { admin } = await activeShop(t, { active: false });
  for (const path of ['/admin/products/%ZZ', '/admin/products/%E0%A4%A', '/subscriptions/%/cancel']) {
    const response = await t.call(path.endsWith('cancel') ? 'POST' : 'GET', path, { token: admin });
    expect(response.status, path).toBe(400);
    expect(response.body.error.code, path).toBe('VALIDATION_FAILED');
  }
});

describe('a top-up reference is one purchase per shop, across credit kinds (S12)', () => {
  it('refuses the reference for the other kind (409) and applies nothing; the same request again is answered, not applied twice', async () => {
    const { shopId, admin, platform } = await activeShop(t, { active: false });
    const topUp = (body: object) => t.call('POST', `/platform/shops/${shopId}/credits`, { token: platform, body });
    expect((await topUp({ sms: 100, reference: 'order-1' })).status).toBe(200);
    const other = await topUp({ bulkMail: 100, reference: 'order-1' });
    expect(other.status).toBe(409);
    expect(other.body.error.code).toBe('TOP_UP_REFERENCE_REUSED');
    expect((await topUp({ sms: 100, bulkMail: 5, reference: 'order-1' })).status).toBe(409);
    expect((await topUp({ sms: 100, reference: 'order-1' })).body).toMatchObject({ sms: 100, bulkMail: 0 });
    expect((await t.call('GET', '/admin/credits', { token: admin })).body).toMatchObject({ sms: 100, bulkMail: 0 });
    expect((await t.call('GET', '/admin/credits/ledger', { token: admin })).body.items).toHaveLength(1);
  });
});

describe('free text refuses control and bidirectional-override characters (400 VALIDATION_FAILED)', () => {
  const nasty = ['Beans\u0000', 'Beans\u202Egk1', 'Be\u2066ans\u2069', 'Beans\r\nBcc: x@example.com', 'Beans\u0085', 'Bea\u2028ns'];

  it.each(nasty)('a product name %j', async (name) => {
    const { admin } = await activeShop(t, { active: false });
    const response = await t.call('PUT', '/admin/products/tainted', { token: admin, body: { name, price: 1000, subscription: { enabled: false, cycles: [] }, onePlusNEvent: false } });
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'name' }] });
    expect((await t.call('GET', '/admin/products/tainted', { token: admin })).status).toBe(404);
  });

  it('shipping fields, the shop name and a review reason', async () => {
    const { shopId, platform } = await activeShop(t);
    const buyer = await t.token('customer', shopId, 'text-buyer');
    const start = await earliestStart(t, shopId);
    const signUp = await t.call('POST', '/subscriptions', {
      token: buyer,
      body: signUpBody(start, { shippingAddress: { recipient: '김\u202E민지', phone: '010-1234-5678', postalCode: '04524', address1: '서울\u0000', address2: 'ok' } }),
    });
    expect(signUp.status).toBe(400);
    expect(signUp.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['shippingAddress.address1', 'shippingAddress.recipient']);
    const shop = await t.call('POST', '/platform/shops', { token: platform, body: { shopId: 'bidi-shop', name: 'Shop\u202E', operatorEmail: 'a@b.example', productManagement: 'new' } });
    expect(shop.status).toBe(400);
    const review = await t.call('POST', `/platform/shops/${shopId}/review`, { token: platform, body: { decision: 'rejected', reason: 'no\u0007' } });
    expect(review.status).toBe(400);
  });

  it('Korean text, emoji and ordinary punctuation are welcome', async () => {
    const { admin } = await activeShop(t, { active: false });
    const response = await t.call('PUT', '/admin/products/ok', { token: admin, body: { name: '원두 1kg ☕ (에티오피아) — “special”', price: 1000, subscription: { enabled: false, cycles: [] }, onePlusNEvent: false } });
    expect(response.status).toBe(200);
  });
});

describe('local endpoints and tokens', () => {
  it('/_local/* answers same-origin requests only, and never with a CORS header', async () => {
    const post = (headers: Record<string, string>) =>
      fetch(`${t.system.url}/_local/token`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ role: 'platform', shop: 'p', sub: 'x' }) });
    const foreign = await post({ origin: 'http://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    const own = await post({ origin: t.system.url, 'sec-fetch-site': 'same-origin' });
    expect(own.status).toBe(200);
    expect(own.headers.get('access-control-allow-origin')).toBeNull();
    expect((await post({})).status).toBe(200); // curl and scripts send no Origin
    const preflight = await fetch(`${t.system.url}/_local/token`, { method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('minted tokens expire within 12 hours and are access tokens with the role scope', async () => {
    const token = await t.token('admin', 'some-shop');
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims.exp - claims.iat).toBeLessThanOrEqual(12 * 3600);
    expect(claims).toMatchObject({ token_use: 'access', scope: scopeFor('admin'), role: 'admin', shop: 'some-shop' });
  });

  it.each([
    ['without exp', { expiresAt: null }, 401],
    ['expiring in 13 hours', { expiresAt: Math.floor(Date.now() / 1000) + 13 * 3600 }, 401],
    ['expired', { expiresAt: Math.floor(Date.now() / 1000) - 60 }, 401],
    ['for another audience', { audience: 'another-api' }, 401],
    ['an ID token (no scope)', { tokenUse: 'id', scope: null }, 403],
    ["another role's scope", { scope: scopeFor('platform') }, 403],
    ['an ID token that carries the scope anyway', { tokenUse: 'id' }, 401],
  ] as const)('a token %s is refused', async (_what, variation, status) => {
    const { shopId } = await activeShop(t, { active: false });
    const token = await t.system.tokens.mint({ role: 'admin', shop: shopId, sub: 'owner' }, variation);
    const response = await t.call('GET', '/admin/service', { token });
    expect(response.status).toBe(status);
  });
});

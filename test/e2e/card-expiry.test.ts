/**
 * Issue 14, card expiry, end to end through the local runtime: the sandbox PG
 * reports each test card's expiry month, the buyer and the merchant see it, and
 * the merchant list filter `cardExpiringBy=YYYY-MM` finds the ACTIVE
 * subscriptions whose card expires by then — from the sparse card-expiry index,
 * which follows the buyer's card when a new one replaces it (S10).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, subscribe } from '../support/storefront.ts';

let t: TestSystem;
let shop: { shopId: string; admin: string };
let steady: { buyer: string; id: string };
let expiring: { buyer: string; id: string };

const listed = async (query: Record<string, string>) => {
  const response = await t.call('GET', `/admin/subscriptions?${new URLSearchParams({ limit: '50', ...query })}`, { token: shop.admin });
  expect(response.status).toBe(200);
  return (response.body.items as Array<{ id: string }>).map((item) => item.id);
};

beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  // Registered in November 2026: the expiring card (…0004) is valid through 2026-12-31, the others through 2031-11.
  await t.call('POST', '/_local/clock', { body: { now: '2026-11-16T10:00:00+09:00' } });
  shop = await activeShop(t);
  const steadyBuyer = await t.token('customer', shop.shopId, 'buyer-steady');
  const expiringBuyer = await t.token('customer', shop.shopId, 'buyer-expiring');
  steady = { buyer: steadyBuyer, id: (await subscribe(t, steadyBuyer, shop.shopId, '9410-0000-0000-0001')).id };
  expiring = { buyer: expiringBuyer, id: (await subscribe(t, expiringBuyer, shop.shopId, '9410-0000-0000-0004')).id };
});
afterAll(() => t.stop());

describe('the card expiry month (issue 14)', () => {
  it('is stored from the PG and shown on GET /me/card and on the buyer’s and the merchant’s subscription views', async () => {
    const card = await t.call('GET', '/me/card', { token: expiring.buyer });
    expect(card.body).toMatchObject({ issuer: 'Sandbox Card', last4: '0004', expiry: { year: 2026, month: 12 } });
    const mine = await t.call('GET', `/subscriptions/${expiring.id}`, { token: expiring.buyer });
    expect(mine.body.card).toEqual({ issuer: 'Sandbox Card', last4: '0004', expiry: { year: 2026, month: 12 } });
    const merchant = await t.call('GET', `/admin/subscriptions/${steady.id}`, { token: shop.admin });
    expect(merchant.body.card).toEqual({ issuer: 'Sandbox Card', last4: '0001', expiry: { year: 2031, month: 11 } });
  });

  it('filters the merchant list: cardExpiringBy=YYYY-MM lists cards expiring in or before that month, soonest first', async () => {
    expect(await listed({ cardExpiringBy: '2026-12' })).toEqual([expiring.id]);
    expect(await listed({ cardExpiringBy: '2026-11' })).toEqual([]);
    expect(await listed({ cardExpiringBy: '2031-11' })).toEqual([expiring.id, steady.id]);
    // With a customer, the customer's index is read and the expiry is its filter.
    expect(await listed({ cardExpiringBy: '2026-12', customerId: 'buyer-steady' })).toEqual([]);
    expect(await listed({ cardExpiringBy: '2026-12', customerId: 'buyer-expiring', status: 'ACTIVE' })).toEqual([expiring.id]);
    expect(await listed({ cardExpiringBy: '2026-12', status: 'CANCELLED' })).toEqual([]);
  });

  it('refuses a month that is not YYYY-MM (400)', async () => {
    const response = await t.call('GET', '/admin/subscriptions?cardExpiringBy=2026-13', { token: shop.admin });
    expect([response.status, response.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('follows the card: a new card (S10) moves every subscription of the buyer out of the expiring list', async () => {
    const second = await subscribe(t, expiring.buyer, shop.shopId, '9410-0000-0000-0001');
    expect(second.card).toMatchObject({ last4: '0001', expiry: { year: 2031, month: 11 } });
    expect(await listed({ cardExpiringBy: '2026-12' })).toEqual([]);
    const first = await t.call('GET', `/subscriptions/${expiring.id}`, { token: expiring.buyer });
    expect(first.body.card).toEqual({ issuer: 'Sandbox Card', last4: '0001', expiry: { year: 2031, month: 11 } });
  });
});

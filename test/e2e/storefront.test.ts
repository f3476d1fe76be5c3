/**
 * The storefront through the real local HTTP server and the sandbox PG: a
 * buyer reads purchase options, signs up (S15), registers a card (S10, S16),
 * sees the active subscription with its dates (S17), signs up again with the
 * registered card, replaces the card (S10), pays with KakaoPay (S9), and
 * cancels partly and wholly (S18, S19). Every refusal path answers its code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docs } from '../../functions/api/docs.ts';
import { subscriptionDetail, subscriptionView } from '../../functions/api/subscriptions/subscription.views.ts';
import { addDays } from '../../functions/core/dates.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, authorize, contact, earliestStart, shippingAddress, signUpBody, subscribe } from '../support/storefront.ts';

let t: TestSystem;
let buyers = 0;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
});
afterAll(() => t?.stop());

const newBuyer = async (shopId: string) => {
  buyers += 1;
  return t.token('customer', shopId, `buyer-${buyers}`);
};

describe('signup (S15)', () => {
  it('stores a PENDING_PAYMENT subscription and answers what the registration window needs', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const start = await earliestStart(t, shopId);
    const response = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start) });
    expect(response.status).toBe(201);
    const { subscription, registration } = docs.signUp.response.parse(response.body) as { subscription: any; registration: any };
    expect(subscription).toMatchObject({ status: 'PENDING_PAYMENT', customerId: `buyer-${buyers}`, cycle: '2w', startDate: start, paymentMethod: 'card', nextDeliveryDate: null, contact: { phone: '01012345678' } });
    expect(subscription.items).toEqual([{ productId: 'beans', quantity: 2, status: 'ACTIVE' }, { productId: 'drip', quantity: 1, status: 'ACTIVE' }]);
    expect(registration).toMatchObject({ gateway: 'tosspayments', handsBack: 'authKey', clientKey: expect.stringMatching(/^test_ck_/), sandbox: { subscriptionId: subscription.id } });
    expect(registration.customerKey).toMatch(/^ck_/);
    // Unpaid, it expires after a day (TTL) and is in no due index, so it can never be noticed or charged.
    const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
    const { createDocumentClient } = await import('../../functions/adapters/dynamodb/client.ts');
    const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
    const db = createDocumentClient(new DynamoDBClient({ endpoint: t.system.info.dynamodb, region: 'ap-northeast-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
    const { Item } = await db.send(new GetCommand({ TableName: t.system.info.tableName, Key: { pk: `SUB#${subscription.id}`, sk: 'SUB' } }));
    const now = new Date((await t.call('GET', '/_local/clock')).body.now).getTime() / 1000;
    expect(Item?.expiresAt).toBeGreaterThan(now + 23 * 3600);
    expect(Item?.expiresAt).toBeLessThanOrEqual(now + 24 * 3600 + 5);
    expect(Item?.duepk).toBeUndefined();
  });

  it('409 SERVICE_NOT_ACTIVE while the shop has no active service', async () => {
    const { shopId } = await activeShop(t, { active: false });
    const response = await t.call('POST', '/subscriptions', { token: await newBuyer(shopId), body: signUpBody('2030-01-01') });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('SERVICE_NOT_ACTIVE');
  });

  it.each([
    ['a 1+N event product (S14)', 'event'],
    ['a product not enabled for subscription (S13)', 'mug'],
    ['an unknown product', 'ghost'],
  ])('422 PRODUCT_NOT_SUBSCRIBABLE for %s', async (_what, productId) => {
    const { shopId } = await activeShop(t);
    const start = await earliestStart(t, shopId);
    const response = await t.call('POST', '/subscriptions', { token: await newBuyer(shopId), body: signUpBody(start, { items: [{ productId: 'beans', quantity: 1 }, { productId, quantity: 1 }] }) });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'PRODUCT_NOT_SUBSCRIBABLE', details: [{ path: 'items.1.productId' }] });
  });

  it('422 CYCLE_NOT_OFFERED when a product does not offer the cycle', async () => {
    const { shopId } = await activeShop(t);
    const response = await t.call('POST', '/subscriptions', { token: await newBuyer(shopId), body: signUpBody(await earliestStart(t, shopId), { cycle: '1w' }) });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'CYCLE_NOT_OFFERED', details: [{ path: 'items.0.productId' }] });
  });

  it('422 START_DATE_OUT_OF_RANGE a day before the window and a day after it', async () => {
    const { shopId } = await activeShop(t);
    const options = (await t.call('GET', `/shops/${shopId}/products/beans/purchase-options`)).body;
    const buyer = await newBuyer(shopId);
    for (const startDate of [addDays(options.earliestStartDate, -1), addDays(options.latestStartDate, 1)]) {
      const response = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(startDate) });
      expect(response.status).toBe(422);
      expect(response.body.error.code).toBe('START_DATE_OUT_OF_RANGE');
    }
    expect((await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(options.latestStartDate) })).status).toBe(201);
  });

  it('422 PAYMENT_METHOD_NOT_AVAILABLE for KakaoPay when the shop did not enable it (S9)', async () => {
    const { shopId } = await activeShop(t);
    const response = await t.call('POST', '/subscriptions', { token: await newBuyer(shopId), body: signUpBody(await earliestStart(t, shopId), { paymentMethod: 'kakaopay' }) });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('PAYMENT_METHOD_NOT_AVAILABLE');
  });

  it('400 VALIDATION_FAILED with one detail per bad field', async () => {
    const { shopId } = await activeShop(t);
    const response = await t.call('POST', '/subscriptions', {
      token: await newBuyer(shopId),
      body: { items: [{ productId: 'beans', quantity: 0 }], cycle: '9d', startDate: '2026-02-30', paymentMethod: 'cash', contact: { email: 'x', phone: '12' }, shippingAddress: { ...shippingAddress, postalCode: '123' } },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(
      ['contact.email', 'contact.phone', 'cycle', 'items.0.quantity', 'paymentMethod', 'shippingAddress.postalCode', 'startDate'].sort(),
    );
  });
});

describe('checkout (S10, S15, S16)', () => {
  it('registers the card and activates the subscription with its delivery, notice (D-2) and charge (D-1) dates', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const start = await earliestStart(t, shopId);
    const active = subscriptionView.parse(await subscribe(t, buyer, shopId));
    expect(active).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: start, nextNoticeDate: addDays(start, -2), nextChargeDate: addDays(start, -1), card: { issuer: 'Sandbox Card', last4: '0001' } });
    expect((await t.call('GET', '/me/card', { token: buyer })).body).toMatchObject({ method: 'card', last4: '0001', issuer: 'Sandbox Card' });
    expect((await t.call('GET', `/subscriptions/${active.id}`, { token: buyer })).body.status).toBe('ACTIVE');
  });

  it('is idempotent: a repeated checkout answers the same and registers no second billing key', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const signup = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(await earliestStart(t, shopId)) });
    const id = signup.body.subscription.id;
    const authKey = await authorize(t, id, { cardNumber: '9410-0000-0000-0001' });
    const first = await t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey } });
    const card = (await t.call('GET', '/me/card', { token: buyer })).body;
    const again = await t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey } });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect((await t.call('GET', '/me/card', { token: buyer })).body).toEqual(card);
  });

  it('S16: refuses a foreign card (422) and keeps the signup pending for another card', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const signup = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(await earliestStart(t, shopId)) });
    const id = signup.body.subscription.id;
    const foreign = await t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey: await authorize(t, id, { cardNumber: '4242-4242-4242-4242' }) } });
    expect(foreign.status).toBe(422);
    expect(foreign.body.error.code).toBe('FOREIGN_CARD_NOT_ALLOWED');
    expect((await t.call('GET', '/me/card', { token: buyer })).status).toBe(404);
    const domestic = await t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey: await authorize(t, id, { cardNumber: '9410-0000-0000-0002' }) } });
    expect(domestic.body).toMatchObject({ status: 'ACTIVE', card: { last4: '0002' } });
  });

  it('422 CARD_REGISTRATION_FAILED for an authKey the PG does not know', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const signup = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(await earliestStart(t, shopId)) });
    const response = await t.call('POST', `/subscriptions/${signup.body.subscription.id}/checkout`, { token: buyer, body: { authKey: 'sbx_auth_000000000000000000000000' } });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('CARD_REGISTRATION_FAILED');
  });

  it('reuses the registered card for a second subscription; 422 NO_REGISTERED_CARD without one', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const start = await earliestStart(t, shopId);
    const second = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start) });
    const none = await t.call('POST', `/subscriptions/${second.body.subscription.id}/checkout`, { token: buyer, body: { useRegisteredCard: true } });
    expect(none.status).toBe(422);
    expect(none.body.error.code).toBe('NO_REGISTERED_CARD');
    await subscribe(t, buyer, shopId, '9410-0000-0000-0001');
    const reused = await t.call('POST', `/subscriptions/${second.body.subscription.id}/checkout`, { token: buyer, body: { useRegisteredCard: true } });
    expect(reused.status).toBe(200);
    expect(reused.body).toMatchObject({ status: 'ACTIVE', card: { last4: '0001' } });
  });

  it('S10: a new card replaces the old one for all of the buyer’s card subscriptions, and the old key is deleted at the PG', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const { deps } = await import('../../functions/wiring.ts');
    const first = await subscribe(t, buyer, shopId, '9410-0000-0000-0001');
    const oldKey = (await deps.billingKeys.get(shopId, `buyer-${buyers}`, 'card'))!.billingKey;
    const second = await subscribe(t, buyer, shopId, '9410-0000-0000-0003');
    const current = (await deps.billingKeys.get(shopId, `buyer-${buyers}`, 'card'))!;
    expect(current.billingKey).not.toBe(oldKey);
    expect(current.retiring).toBeUndefined();
    expect(t.system.sandboxPg.billingKey(oldKey)?.deletedAt).toBeDefined();
    expect(t.system.sandboxPg.billingKey(current.billingKey)?.deletedAt).toBeUndefined();
    expect((await t.call('GET', '/me/card', { token: buyer })).body.last4).toBe('0003');
    expect((await t.call('GET', `/subscriptions/${first.id}`, { token: buyer })).body.card).toMatchObject({ issuer: 'Sandbox Card', last4: '0003' });
    expect((await t.call('GET', `/subscriptions/${second.id}`, { token: buyer })).body.card.last4).toBe('0003');
  });

  it('409 SUBSCRIPTION_NOT_PENDING for a cancelled signup', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const signup = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(await earliestStart(t, shopId)) });
    const id = signup.body.subscription.id;
    await t.call('POST', `/subscriptions/${id}/cancel`, { token: buyer, body: {} });
    const response = await t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey: await authorize(t, id, { cardNumber: '9410-0000-0000-0001' }) } });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('SUBSCRIPTION_NOT_PENDING');
  });
});

describe('KakaoPay (S9, S10)', () => {
  it.each(['card', 'money'] as const)('pays with KakaoPay (%s inside KakaoPay) when the shop enabled it', async (kakaoPayMethod) => {
    const { shopId } = await activeShop(t, { kakaopay: true });
    const buyer = await newBuyer(shopId);
    const signup = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(await earliestStart(t, shopId), { paymentMethod: 'kakaopay' }) });
    expect(signup.status).toBe(201);
    const id = signup.body.subscription.id;
    const checkout = await t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey: await authorize(t, id, { kakaoPayMethod }) } });
    expect(checkout.body).toMatchObject({ status: 'ACTIVE', paymentMethod: 'kakaopay', card: { issuer: 'KakaoPay' } });
    expect((await t.call('GET', '/me/card?method=kakaopay', { token: buyer })).body.method).toBe('kakaopay');
    expect((await t.call('GET', '/me/card', { token: buyer })).status).toBe(404);
  });
});

describe('cancellation (S18, S19)', () => {
  it('before the notice: some items at once, then the whole subscription', async () => {
    const { shopId, admin } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const active = await subscribe(t, buyer, shopId);
    const partial = await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: { productIds: ['drip'] } });
    expect(partial.status).toBe(200);
    expect(subscriptionDetail.parse(partial.body)).toMatchObject({ status: 'ACTIVE', items: [{ productId: 'beans', status: 'ACTIVE' }, { productId: 'drip', status: 'CANCELLED' }] });
    const whole = await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: {} });
    expect(whole.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'CUSTOMER_REQUEST', nextDeliveryDate: null, nextNoticeDate: null, nextChargeDate: null });
    // Cancelled subscriptions stay readable, to the buyer and to the merchant.
    expect((await t.call('GET', `/subscriptions/${active.id}`, { token: buyer })).body.status).toBe('CANCELLED');
    expect((await t.call('GET', `/admin/subscriptions/${active.id}`, { token: admin })).body.status).toBe('CANCELLED');
    expect((await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: {} })).status).toBe(200);
    expect((await t.call('GET', '/admin/service', { token: admin })).body.stats.activeSubscriptions).toBe(0);
  });

  it('422 PRODUCT_NOT_IN_SUBSCRIPTION for a product it does not contain', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const active = await subscribe(t, buyer, shopId);
    const response = await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: { productIds: ['mug'] } });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({ code: 'PRODUCT_NOT_IN_SUBSCRIPTION', details: [{ path: 'productIds.0' }] });
  });
});

describe('S6: the active-subscription count follows checkouts and cancels, once each', () => {
  it('counts +1 per activation and −1 per whole cancel, never twice', async () => {
    const { shopId, admin } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const a = await subscribe(t, buyer, shopId);
    await subscribe(t, buyer, shopId);
    await t.call('POST', `/subscriptions/${a.id}/checkout`, { token: buyer, body: { useRegisteredCard: true } });
    expect((await t.call('GET', '/admin/service', { token: admin })).body.stats.activeSubscriptions).toBe(2);
    await t.call('POST', `/subscriptions/${a.id}/cancel`, { token: buyer, body: {} });
    await t.call('POST', `/subscriptions/${a.id}/cancel`, { token: buyer, body: {} });
    expect((await t.call('GET', '/admin/service', { token: admin })).body.stats.activeSubscriptions).toBe(1);
  });
});

describe('a buyer sees and changes only their own', () => {
  it("answers 404 for another buyer's subscription, and lists only the buyer's own", async () => {
    const { shopId } = await activeShop(t);
    const owner = await newBuyer(shopId);
    const other = await newBuyer(shopId);
    const active = await subscribe(t, owner, shopId);
    for (const [method, path, body] of [
      ['GET', `/subscriptions/${active.id}`, undefined],
      ['POST', `/subscriptions/${active.id}/cancel`, {}],
      ['POST', `/subscriptions/${active.id}/checkout`, { useRegisteredCard: true }],
    ] as const) {
      const response = await t.call(method, path, { token: other, body });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    expect((await t.call('GET', '/subscriptions', { token: other })).body.items).toEqual([]);
    expect((await t.call('GET', '/subscriptions', { token: owner })).body.items.map((s: { id: string }) => s.id)).toEqual([active.id]);
    // The same customer id in another shop is another buyer.
    const elsewhere = await activeShop(t);
    const sameSubElsewhere = await t.token('customer', elsewhere.shopId, `buyer-${buyers - 1}`);
    expect((await t.call('GET', `/subscriptions/${active.id}`, { token: sameSubElsewhere })).status).toBe(404);
  });

  it('never returns a billing key', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await newBuyer(shopId);
    const active = await subscribe(t, buyer, shopId);
    const bodies = JSON.stringify([
      await t.call('GET', '/me/card', { token: buyer }),
      await t.call('GET', `/subscriptions/${active.id}`, { token: buyer }),
      await t.call('GET', '/subscriptions', { token: buyer }),
    ]);
    expect(bodies).not.toMatch(/billingKey|sbx_bk|bk_/i);
    expect(contact.email).toBeTruthy();
  });
});

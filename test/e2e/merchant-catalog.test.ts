/**
 * Notification settings (S11), the start-date window (S15), products (S13,
 * S14) and the public purchase options of a product page, through the real
 * local HTTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docs } from '../../functions/api/docs.ts';
import { activeShop, authorize, registerContracts, signUpBody } from '../support/storefront.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';

let t: TestSystem;
let platform: string;
let n = 0;

beforeAll(async () => {
  t = await bootLocalSystem();
  platform = await t.token('platform', 'platform', 'ops');
  // 2027-01-10 23:30 in Seoul is still the 10th; in UTC it is 14:30 on the 10th, in Los Angeles the 10th's morning.
  await t.call('POST', '/_local/clock', { body: { now: '2027-01-10T23:30:00+09:00' } });
});
afterAll(() => t?.stop());

async function newShop(options: { active?: boolean; kakaopay?: boolean } = {}) {
  n += 1;
  const shopId = `cat-shop-${n}`;
  await t.call('POST', '/platform/shops', { token: platform, body: { shopId, name: `Catalog ${n}`, operatorEmail: `ops@cat-${n}.example`, productManagement: 'new' } });
  const admin = await t.token('admin', shopId, 'owner');
  if (options.active) {
    await registerContracts(t, shopId, ['tosspayments', ...(options.kakaopay ? (['kakaopay'] as const) : [])]);
    await t.call('POST', '/admin/service/application', { token: admin, body: {} });
    await t.call('POST', `/platform/shops/${shopId}/review`, { token: platform, body: { decision: 'approved' } });
  }
  return { shopId, admin };
}

const beans = { name: 'Beans 1kg', price: 25_000, subscription: { enabled: true, cycles: ['1m', '2w'] }, onePlusNEvent: false };

describe('S11: notification settings', () => {
  it('are all on, to the operator address, until the merchant changes them', async () => {
    const { admin } = await newShop();
    const response = await t.call('GET', '/admin/settings/notifications', { token: admin });
    expect(response.body).toEqual({ paymentNotice: { mail: true, sms: true }, autoCancel: { customerMail: true, operatorMail: true }, operatorEmail: `ops@cat-${n}.example` });
  });

  it('are replaced as a whole and read back', async () => {
    const { admin } = await newShop();
    const settings = { paymentNotice: { mail: true, sms: false }, autoCancel: { customerMail: false, operatorMail: true }, operatorEmail: 'billing@cat.example' };
    expect((await t.call('PUT', '/admin/settings/notifications', { token: admin, body: settings })).body).toEqual(settings);
    expect((await t.call('GET', '/admin/settings/notifications', { token: admin })).body).toEqual(settings);
  });

  it('refuse a partial body or a bad address, one detail per field (400)', async () => {
    const { admin } = await newShop();
    const response = await t.call('PUT', '/admin/settings/notifications', { token: admin, body: { paymentNotice: { mail: true }, autoCancel: { customerMail: true, operatorMail: true }, operatorEmail: 'nope' } });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['operatorEmail', 'paymentNotice.sms']);
  });

  it("are 404 for a token whose shop does not exist", async () => {
    const response = await t.call('GET', '/admin/settings/notifications', { token: await t.token('admin', 'ghost-shop') });
    expect(response.status).toBe(404);
  });
});

describe('S15: the start-date window', () => {
  it('defaults to 3–60 days ahead and can be changed', async () => {
    const { admin } = await newShop();
    expect((await t.call('GET', '/admin/settings/subscription', { token: admin })).body).toEqual({ startDateWindow: { earliestDaysAhead: 3, latestDaysAhead: 60 } });
    const body = { startDateWindow: { earliestDaysAhead: 5, latestDaysAhead: 30 } };
    expect((await t.call('PUT', '/admin/settings/subscription', { token: admin, body })).body).toEqual(body);
    expect((await t.call('GET', '/admin/settings/subscription', { token: admin })).body).toEqual(body);
  });

  it('S17: never starts sooner than 3 days ahead (the D-2 notice must still be ahead), and latest ≥ earliest', async () => {
    const { admin } = await newShop();
    const tooSoon = await t.call('PUT', '/admin/settings/subscription', { token: admin, body: { startDateWindow: { earliestDaysAhead: 2, latestDaysAhead: 30 } } });
    expect(tooSoon.status).toBe(400);
    expect(tooSoon.body.error.details[0].path).toBe('startDateWindow.earliestDaysAhead');
    const inverted = await t.call('PUT', '/admin/settings/subscription', { token: admin, body: { startDateWindow: { earliestDaysAhead: 10, latestDaysAhead: 5 } } });
    expect(inverted.status).toBe(400);
    expect(inverted.body.error.details[0].path).toBe('startDateWindow.latestDaysAhead');
  });
});

describe('issue 14: the delivery calendar', () => {
  const weekendsAndHolidays = { avoid: { sundays: true, saturdays: true, publicHolidays: true }, shift: 'later' };

  it('is off until the merchant sets it, and refuses a bad body', async () => {
    const { admin } = await newShop();
    expect((await t.call('GET', '/admin/settings/delivery', { token: admin })).body).toEqual({ avoid: { sundays: false, saturdays: false, publicHolidays: false }, shift: 'later' });
    expect((await t.call('PUT', '/admin/settings/delivery', { token: admin, body: weekendsAndHolidays })).body).toEqual(weekendsAndHolidays);
    expect((await t.call('GET', '/admin/settings/delivery', { token: admin })).body).toEqual(weekendsAndHolidays);
    const bad = await t.call('PUT', '/admin/settings/delivery', { token: admin, body: { ...weekendsAndHolidays, shift: 'sideways' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('shift');
  });

  it('409 HOLIDAY_DATA_UNAVAILABLE when buyers may pick a date beyond the holiday data, and nothing is written', async () => {
    const { admin } = await newShop();
    // 2027-01-10 + 365 days reaches 2028, which the gazette data does not cover yet.
    await t.call('PUT', '/admin/settings/subscription', { token: admin, body: { startDateWindow: { earliestDaysAhead: 3, latestDaysAhead: 365 } } });
    const refused = await t.call('PUT', '/admin/settings/delivery', { token: admin, body: weekendsAndHolidays });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('HOLIDAY_DATA_UNAVAILABLE');
    expect((await t.call('GET', '/admin/settings/delivery', { token: admin })).body.avoid.publicHolidays).toBe(false);
    // Weekends alone need no holiday data.
    expect((await t.call('PUT', '/admin/settings/delivery', { token: admin, body: { ...weekendsAndHolidays, avoid: { ...weekendsAndHolidays.avoid, publicHolidays: false } } })).status).toBe(200);
  });

  it('narrows the purchase options to delivery days and lists the avoided ones', async () => {
    const { shopId, admin } = await newShop({ active: true });
    await t.call('PUT', '/admin/products/beans', { token: admin, body: beans });
    await t.call('PUT', '/admin/settings/subscription', { token: admin, body: { startDateWindow: { earliestDaysAhead: 7, latestDaysAhead: 14 } } });
    await t.call('PUT', '/admin/settings/delivery', { token: admin, body: weekendsAndHolidays });
    // Today is Sun 2027-01-10: the window runs Sun 17 – Sun 24 January.
    expect((await t.call('GET', `/shops/${shopId}/products/beans/purchase-options`)).body).toMatchObject({
      earliestStartDate: '2027-01-18',
      latestStartDate: '2027-01-22',
      unavailableStartDates: ['2027-01-17', '2027-01-23', '2027-01-24'],
    });
  });

  it('moves the first delivery of a start on 설날 to the next delivery day; notice and charge follow it', async () => {
    const { shopId, admin } = await activeShop(t);
    await t.call('PUT', '/admin/settings/delivery', { token: admin, body: weekendsAndHolidays });
    const buyer = await t.token('customer', shopId, 'calendar-buyer');
    const signup = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody('2027-02-07') });
    expect(signup.status).toBe(201);
    const id = signup.body.subscription.id;
    const checkout = await t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey: await authorize(t, id, { cardNumber: '9410-0000-0000-0001' }) } });
    // 설날 2027 runs Sat 6 – Tue 9 (with its substitute day): Wed 10, noticed Mon 8, charged Tue 9; the start date stays the anchor.
    expect(checkout.body).toMatchObject({ status: 'ACTIVE', startDate: '2027-02-07', nextDeliveryDate: '2027-02-10', nextNoticeDate: '2027-02-08', nextChargeDate: '2027-02-09' });
  });
});

describe('S13, S14: products', () => {
  it('are created, read and replaced; cycles come back in reading order', async () => {
    const { admin } = await newShop();
    const created = await t.call('PUT', '/admin/products/beans', { token: admin, body: beans });
    expect(created.status).toBe(200);
    expect(docs.putProduct.response.parse(created.body)).toMatchObject({ productId: 'beans', price: 25_000, subscribable: true, subscription: { enabled: true, cycles: ['2w', '1m'] } });
    await t.call('PUT', '/admin/products/beans', { token: admin, body: { ...beans, price: 27_000 } });
    expect((await t.call('GET', '/admin/products/beans', { token: admin })).body.price).toBe(27_000);
  });

  it('S14: a 1+N event product is never subscribable, even when configured for it', async () => {
    const { admin } = await newShop();
    const response = await t.call('PUT', '/admin/products/event', { token: admin, body: { ...beans, onePlusNEvent: true } });
    expect(response.body).toMatchObject({ subscribable: false, subscription: { enabled: true }, onePlusNEvent: true });
  });

  it('refuse bad settings with one detail per field (400)', async () => {
    const { admin } = await newShop();
    const response = await t.call('PUT', '/admin/products/bad', {
      token: admin,
      body: { name: '', price: 100.5, subscription: { enabled: true, cycles: ['1w', '1w', '9d'] }, onePlusNEvent: false },
    });
    expect(response.status).toBe(400);
    const paths = response.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['name', 'price', 'subscription.cycles.2']));
    const noCycles = await t.call('PUT', '/admin/products/bad', { token: admin, body: { ...beans, subscription: { enabled: true, cycles: [] } } });
    expect(noCycles.body.error.details).toEqual([expect.objectContaining({ path: 'subscription.cycles' })]);
    expect((await t.call('GET', '/admin/products/bad', { token: admin })).status).toBe(404);
  });

  it('are listed page by page, each product exactly once', async () => {
    const { admin } = await newShop();
    const ids = Array.from({ length: 7 }, (_, i) => `p-${i}`);
    for (const id of ids) await t.call('PUT', `/admin/products/${id}`, { token: admin, body: beans });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ productId: string }>; nextCursor: string | null } } = await t.call('GET', `/admin/products?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token: admin });
      docs.listProducts.response.parse(page.body);
      seen.push(...page.body.items.map((item) => item.productId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual(ids);
    expect((await t.call('GET', '/admin/products?limit=0', { token: admin })).status).toBe(400);
  });

  it("are 404 to another shop's admin, and another shop's cursor is refused (400)", async () => {
    const a = await newShop();
    const b = await newShop();
    await t.call('PUT', '/admin/products/secret', { token: a.admin, body: beans });
    await t.call('PUT', '/admin/products/x1', { token: a.admin, body: beans });
    expect((await t.call('GET', '/admin/products/secret', { token: b.admin })).status).toBe(404);
    expect((await t.call('GET', '/admin/products', { token: b.admin })).body.items).toEqual([]);
    const cursor = (await t.call('GET', '/admin/products?limit=1', { token: a.admin })).body.nextCursor;
    const stolen = await t.call('GET', `/admin/products?cursor=${cursor}`, { token: b.admin });
    expect(stolen.status).toBe(400);
    expect(stolen.body.error.details[0].path).toBe('query.cursor');
  });
});

describe('issue 14: delivery counts and discounts by delivery number', () => {
  const stepped = [{ fromDelivery: 1, toDelivery: 2, percent: 5 }, { fromDelivery: 3, won: 2_500 }];

  it('are saved with the product, read back, and offered on the product page', async () => {
    const { shopId, admin } = await newShop({ active: true });
    const saved = await t.call('PUT', '/admin/products/beans', { token: admin, body: { ...beans, maxDeliveries: 6, discounts: stepped } });
    expect(saved.status).toBe(200);
    expect((await t.call('GET', '/admin/products/beans', { token: admin })).body).toMatchObject({ maxDeliveries: 6, discounts: stepped });
    expect((await t.call('GET', `/shops/${shopId}/products/beans/purchase-options`)).body).toMatchObject({ maxDeliveries: 6, discounts: stepped });
  });

  it('refuse overlapping ranges, both or neither of percent and won, and a rule after the last delivery (400, one detail each)', async () => {
    const { admin } = await newShop();
    const response = await t.call('PUT', '/admin/products/beans', {
      token: admin,
      body: { ...beans, discounts: [{ fromDelivery: 1, toDelivery: 2, percent: 5 }, { fromDelivery: 3, percent: 10, won: 100 }] },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toEqual(['discounts.1']);
    const overlapping = await t.call('PUT', '/admin/products/beans', { token: admin, body: { ...beans, maxDeliveries: 4, discounts: [{ fromDelivery: 1, toDelivery: 3, percent: 5 }, { fromDelivery: 3, percent: 10 }, { fromDelivery: 5, won: 100 }] } });
    expect(overlapping.status).toBe(400);
    expect(overlapping.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['discounts.1', 'discounts.2', 'discounts.2.fromDelivery']);
    expect((await t.call('GET', '/admin/products/beans', { token: admin })).status).toBe(404);
  });
});

describe('purchase options of a product page (S13–S15), no token needed', () => {
  const options = (shopId: string, productId: string) => t.call('GET', `/shops/${shopId}/products/${productId}/purchase-options`);

  it('offer subscription with its cycles and the start-date window, counted from today in Seoul', async () => {
    const { shopId, admin } = await newShop({ active: true });
    await t.call('PUT', '/admin/products/beans', { token: admin, body: beans });
    const response = await options(shopId, 'beans');
    expect(response.status).toBe(200);
    expect(docs.getPurchaseOptions.response.parse(response.body)).toEqual({
      product: { name: beans.name, price: beans.price, onePlusNEvent: false },
      purchaseMethods: ['one-time', 'subscription'],
      cycles: ['2w', '1m'],
      paymentMethods: ['card'],
      // The clock stands at 2027-01-10 23:30 Seoul: today is the 10th there, whatever the machine's zone.
      earliestStartDate: '2027-01-13',
      latestStartDate: '2027-03-11',
      unavailableStartDates: [],
      maxDeliveries: null,
      discounts: [],
    });
  });

  it('S9: offer KakaoPay as a payment method when the shop enabled it', async () => {
    const { shopId, admin } = await newShop({ active: true, kakaopay: true });
    await t.call('PUT', '/admin/products/beans', { token: admin, body: beans });
    expect((await options(shopId, 'beans')).body.paymentMethods).toEqual(['card', 'kakaopay']);
  });

  it('S14: offer only one-time purchase for a 1+N event product', async () => {
    const { shopId, admin } = await newShop({ active: true });
    await t.call('PUT', '/admin/products/event', { token: admin, body: { ...beans, onePlusNEvent: true } });
    expect((await options(shopId, 'event')).body).toMatchObject({ purchaseMethods: ['one-time'], cycles: [], earliestStartDate: null });
  });

  it('S13: offer only one-time purchase when subscription is off, or while the service is not active', async () => {
    const active = await newShop({ active: true });
    await t.call('PUT', '/admin/products/mug', { token: active.admin, body: { ...beans, subscription: { enabled: false, cycles: [] } } });
    expect((await options(active.shopId, 'mug')).body.purchaseMethods).toEqual(['one-time']);
    const notActive = await newShop();
    await t.call('PUT', '/admin/products/beans', { token: notActive.admin, body: beans });
    expect((await options(notActive.shopId, 'beans')).body.purchaseMethods).toEqual(['one-time']);
  });

  it('follow the shop’s window setting', async () => {
    const { shopId, admin } = await newShop({ active: true });
    await t.call('PUT', '/admin/products/beans', { token: admin, body: beans });
    await t.call('PUT', '/admin/settings/subscription', { token: admin, body: { startDateWindow: { earliestDaysAhead: 7, latestDaysAhead: 14 } } });
    expect((await options(shopId, 'beans')).body).toMatchObject({ earliestStartDate: '2027-01-17', latestStartDate: '2027-01-24' });
  });

  it('are 404 for an unknown product or shop', async () => {
    expect((await options('demo-shop', 'nothing')).status).toBe(404);
    expect((await options('no-shop', 'beans')).status).toBe(404);
  });

  it('serve the seeded demo products (README walkthrough)', async () => {
    const list = await t.call('GET', '/admin/products', { token: await t.token('admin', 'demo-shop') });
    expect(list.body.items.map((p: { productId: string }) => p.productId)).toEqual(['ceramic-mug', 'drip-bags-30', 'gift-set-1plus1', 'house-blend-1kg']);
  });
});

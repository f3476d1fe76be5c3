/**
 * Issue 14 part B end to end: the daily runs of the real local system, driven only by the test clock, on real
 * calendar dates from 2027-01-20 (the system starts there: no run before it is paid for):
 * - a shop that avoids public holidays: a delivery due on 설날 2027 (Feb 7; Feb 8 and the substitute Feb 9 are
 *   holidays too) is delivered Feb 10, noticed Feb 8 (D-2) and charged Feb 9 (D-1); the one after comes from
 *   the anchor (Feb 21), not from the moved date;
 * - a 3-delivery product with a discount from its 3rd delivery: the subscription is COMPLETED after its third charge, the buyer is mailed, no
 *   further notice, the S6 active count goes down;
 * - an expiring card (the sandbox's 9410-0000-0000-0004, valid to the end of next month): warned once;
 * - a price rise (the 30-day consent): the subscriber who consented is charged the new price from increaseFrom,
 *   the one who did not the old price (keep-old-price), and under end-subscription the subscription ends
 *   before the first increased delivery, the buyer told, nothing announced or charged.
 * One local system for the file; the clock only moves forward, so the cases share one timeline.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snsSmsChannel } from '../../functions/notifications/sms-parts.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, authorize, beans, contact, dripBags, shippingAddress } from '../support/storefront.ts';

let t: TestSystem;
beforeAll(async () => {
  // One charge run a day (10:00): every charge here succeeds at its first run, and a month of runs costs a third less.
  t = await bootLocalSystem({ seed: false, startAt: '2027-01-20T09:30:00+09:00', env: { CHARGE_RUN_TIMES: '10:00' } });
});
afterAll(() => t?.stop());

type Cycle = { deliveryDate: string; noticeDate: string; chargeDate: string; status: string; amount: number };
type OutboxItem = { channel: string; kind: string; to: string; body: string; subject?: string; at?: string };

const moveTo = async (now: string) => {
  const response = await t.call('POST', '/_local/clock', { body: { now } });
  expect(response.status).toBe(200);
  expect(response.body.runs.every((run: { ok: boolean }) => run.ok)).toBe(true);
};
const outbox = async (to: string): Promise<OutboxItem[]> => (await t.call('GET', `/_local/outbox?to=${encodeURIComponent(to)}`)).body.items;
const detail = async (token: string, id: string) => (await t.call('GET', `/subscriptions/${id}`, { token })).body;
const cyclesOf = async (token: string, id: string) => ((await detail(token, id)).cycles as Cycle[]).map((cycle) => `${cycle.deliveryDate} ${cycle.status} ${cycle.amount}`);

let n = 0;
/** Signs up with the given items, cycle and start date and checks out with a sandbox card. */
async function subscribe(shopId: string, body: Record<string, unknown>, card = '9410-0000-0000-0001') {
  n += 1;
  const email = `cal-${n}@example.com`;
  const token = await t.token('customer', shopId, `cal-buyer-${n}`);
  const signup = await t.call('POST', '/subscriptions', { token, body: { paymentMethod: 'card', contact: { ...contact, email }, shippingAddress, ...body } });
  expect(signup.status, JSON.stringify(signup.body)).toBe(201);
  const id = signup.body.subscription.id as string;
  const checkout = await t.call('POST', `/subscriptions/${id}/checkout`, { token, body: { authKey: await authorize(t, id, { cardNumber: card }) } });
  expect(checkout.status, JSON.stringify(checkout.body)).toBe(200);
  return { token, email, id, subscription: checkout.body };
}

const holidays = { shop: { shopId: '', admin: '' }, regular: { token: '', email: '', id: '' }, tea: { token: '', email: '', id: '' }, yearly: { token: '', email: '', id: '' } };
const prices = { shop: { shopId: '', admin: '' }, yes: { token: '', email: '', id: '' }, no: { token: '', email: '', id: '' }, ended: { token: '', email: '', id: '' } };
const activeCount = async (admin: string) => (await t.call('GET', '/admin/service', { token: admin })).body.stats.activeSubscriptions as number;

beforeAll(async () => {
  // The shop that avoids public holidays, with a 3-delivery weekly tea.
  const h = await activeShop(t);
  holidays.shop = h;
  await t.call('POST', `/platform/shops/${h.shopId}/credits`, { token: h.platform, body: { sms: 50 } });
  const calendar = await t.call('PUT', '/admin/settings/delivery', { token: h.admin, body: { avoid: { sundays: false, saturdays: false, publicHolidays: true }, shift: 'later' } });
  expect(calendar.status, JSON.stringify(calendar.body)).toBe(200);
  const tea = await t.call('PUT', '/admin/products/tea', { token: h.admin, body: { name: 'Tea 3-pack', price: 10_000, subscription: { enabled: true, cycles: ['1w'] }, onePlusNEvent: false, maxDeliveries: 3, discounts: [{ fromDelivery: 3, won: 1_000 }] } });
  expect(tea.status, JSON.stringify(tea.body)).toBe(200);
  // Every two weeks from Sunday Jan 24: Feb 7 (설날) is next. Paid with the card that expires at the end of February.
  holidays.regular = await subscribe(h.shopId, { items: [{ productId: 'beans', quantity: 2 }, { productId: 'drip', quantity: 1 }], cycle: '2w', startDate: '2027-01-24' }, '9410-0000-0000-0004');
  holidays.tea = await subscribe(h.shopId, { items: [{ productId: 'tea', quantity: 1 }], cycle: '1w', startDate: '2027-01-24' });
  // Yearly: its second delivery (2028-01-24) lies beyond the holiday data (2027 is its last year).
  expect((await t.call('PUT', '/admin/products/calendar', { token: h.admin, body: { name: 'Wall calendar', price: 15_000, subscription: { enabled: true, cycles: ['1y'] }, onePlusNEvent: false } })).status).toBe(200);
  holidays.yearly = await subscribe(h.shopId, { items: [{ productId: 'calendar', quantity: 1 }], cycle: '1y', startDate: '2027-01-24' });

  // The shop that raises its prices today (Jan 20): increaseFrom is Feb 19, the notice of the Feb 21 delivery.
  const p = await activeShop(t);
  prices.shop = p;
  await t.call('POST', `/platform/shops/${p.shopId}/credits`, { token: p.platform, body: { sms: 50 } });
  const every2w = { cycle: '2w', startDate: '2027-01-24' };
  prices.yes = await subscribe(p.shopId, { items: [{ productId: 'beans', quantity: 1 }], ...every2w });
  prices.no = await subscribe(p.shopId, { items: [{ productId: 'beans', quantity: 1 }], ...every2w });
  prices.ended = await subscribe(p.shopId, { items: [{ productId: 'drip', quantity: 1 }], ...every2w });
  await t.call('POST', '/_local/clock', { body: { hours: 1 } });
  expect((await t.call('PUT', '/admin/products/beans', { token: p.admin, body: { ...beans, price: 27_000 } })).status).toBe(200);
  expect((await t.call('PUT', '/admin/products/drip', { token: p.admin, body: { ...dripBags, price: 20_000, priceIncreasePolicy: 'end-subscription' } })).status).toBe(200);
  await t.system.queues.drain();
  expect((await t.call('POST', `/subscriptions/${prices.yes.id}/price-consent`, { token: prices.yes.token, body: { accept: true } })).status).toBe(200);
}, 30_000);

describe('issue 14 part B through the daily runs', () => {
  it('a delivery due on 설날 moves to Feb 10, noticed Feb 8 and charged Feb 9; the next one keeps the anchor', async () => {
    const { token, id, email } = holidays.regular;
    // After the first delivery's charge (Jan 23): the next delivery is planned on the moved date.
    await moveTo('2027-01-23T18:00:00+09:00');
    expect(await detail(token, id)).toMatchObject({ nextDeliveryDate: '2027-02-10', nextNoticeDate: '2027-02-08', nextChargeDate: '2027-02-09' });
    // Beyond the holiday data: planned by the weekday settings, and the operator told (once that day), never silently.
    expect(await detail(holidays.yearly.token, holidays.yearly.id)).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: '2028-01-24' });
    const unchecked = (await outbox(`ops@${holidays.shop.shopId}.example`)).filter((item) => item.kind === 'holiday-data-unavailable');
    expect(unchecked).toHaveLength(1);
    expect(unchecked[0]!.body).toContain(`${holidays.yearly.id}: 2028년 1월 24일 (월)`);
    // Feb 6 and 7: no notice for it yet.
    await moveTo('2027-02-07T18:00:00+09:00');
    expect((await outbox(email)).filter((item) => item.kind === 'payment-notice')).toHaveLength(1);
    await moveTo('2027-02-08T09:00:00+09:00');
    const notices = (await outbox(email)).filter((item) => item.kind === 'payment-notice');
    expect(notices).toHaveLength(2);
    expect(notices[1]!.body).toContain('2027년 2월 10일 (수)');
    expect((await detail(token, id)).cycles[1]).toMatchObject({ deliveryDate: '2027-02-10', noticeDate: '2027-02-08', chargeDate: '2027-02-09', status: 'NOTICED', amount: 68_000 });
    await moveTo('2027-02-09T10:30:00+09:00');
    expect(await cyclesOf(token, id)).toEqual(['2027-01-24 CHARGED 68000', '2027-02-10 CHARGED 68000']);
    // From the anchor (Jan 24) every two weeks: Feb 21, not two weeks after the moved Feb 10.
    expect(await detail(token, id)).toMatchObject({ nextDeliveryDate: '2027-02-21', nextNoticeDate: '2027-02-19', nextChargeDate: '2027-02-20' });
    // The SMS of each notice is one SNS part, paid with one credit each (S12).
    const sms = (await outbox('+821012345678')).filter((item) => item.kind === 'payment-notice');
    expect(sms.every((item) => snsSmsChannel.measure(item.body).parts === 1)).toBe(true);
  });

  it('a 3-delivery subscription completes after its third charge: COMPLETED, the buyer mailed, no further notice, out of the S6 count', async () => {
    const { token, id, email } = holidays.tea;
    // Jan 24, Jan 31, then Feb 7 → Feb 10 (설날): charged Feb 9, the last one.
    expect(await cyclesOf(token, id)).toEqual(['2027-01-24 CHARGED 10000', '2027-01-31 CHARGED 10000', '2027-02-10 CHARGED 9000']);
    const view = await detail(token, id);
    // The third delivery's discount (1,000 won off from the 3rd), kept on the order with the list price.
    expect(view.cycles[2]).toMatchObject({ deliveryNumber: 3, items: [{ productId: 'tea', quantity: 1, unitPrice: 9_000, listPrice: 10_000, discount: 1_000 }] });
    expect(view).toMatchObject({ status: 'COMPLETED', chargedDeliveries: 3, completedAt: expect.stringMatching(/^2027-02-09T/), nextDeliveryDate: null, nextNoticeDate: null, nextChargeDate: null });
    expect(view.items).toEqual([expect.objectContaining({ productId: 'tea', status: 'ACTIVE' })]);
    const completed = (await outbox(email)).filter((item) => item.kind === 'subscription-completed');
    expect(completed).toHaveLength(1);
    expect(completed[0]!.body).toContain('총 3회');
    const events = (await t.call('GET', '/_local/outbox')).body.items.filter((item: OutboxItem) => item.channel === 'event' && item.kind === 'subscription.completed');
    expect(events.map((item: OutboxItem) => JSON.parse(item.body))).toEqual([expect.objectContaining({ subscriptionId: id, deliveries: 3, lastDeliveryDate: '2027-02-10' })]);
    const cancel = await t.call('POST', `/subscriptions/${id}/cancel`, { token, body: {} });
    expect([cancel.status, cancel.body.error?.code]).toEqual([409, 'SUBSCRIPTION_COMPLETED']);
    // The regular and the yearly subscriptions are still active in this shop.
    expect(await activeCount(holidays.shop.admin)).toBe(2);
    expect((await t.call('GET', `/admin/subscriptions?status=COMPLETED`, { token: holidays.shop.admin })).body.items.map((item: { id: string }) => item.id)).toEqual([id]);
  });

  it('the price rise: with consent charged the new price from increaseFrom, without it the old; end-subscription ends before the first increased delivery', async () => {
    await moveTo('2027-02-20T10:30:00+09:00');
    expect(await cyclesOf(prices.yes.token, prices.yes.id)).toEqual(['2027-01-24 CHARGED 25000', '2027-02-07 CHARGED 25000', '2027-02-21 CHARGED 27000']);
    expect(await cyclesOf(prices.no.token, prices.no.id)).toEqual(['2027-01-24 CHARGED 25000', '2027-02-07 CHARGED 25000', '2027-02-21 CHARGED 25000']);
    // No answer, and the drip's policy is end-subscription: ended before Feb 21, never announced nor charged.
    const ended = await detail(prices.ended.token, prices.ended.id);
    expect(ended).toMatchObject({ status: 'CANCELLED', cancelReason: 'PRICE_INCREASE_NOT_ACCEPTED', nextDeliveryDate: null });
    expect(await cyclesOf(prices.ended.token, prices.ended.id)).toEqual(['2027-01-24 CHARGED 18000', '2027-02-07 CHARGED 18000']);
    const mails = await outbox(prices.ended.email);
    expect(mails.filter((item) => item.kind === 'payment-notice')).toHaveLength(2);
    expect(mails.filter((item) => item.kind === 'price-increase-ended')).toEqual([expect.objectContaining({ channel: 'mail' })]);
    expect(await activeCount(prices.shop.admin)).toBe(2);
  });

  it('an expiring card is warned once, with where to change it', async () => {
    const { email, id } = holidays.regular;
    const warnings = (await outbox(email)).filter((item) => item.kind === 'card-expiring');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.body).toContain('2027년 2월');
    expect(warnings[0]!.body).toContain(`/subscriptions/${id}/card`);
    // Sent with the Feb 8 notice (within 30 days of Feb 28), not with the Jan 22 one nor again with the Feb 19 one.
    expect((await outbox(email)).filter((item) => item.kind === 'payment-notice')).toHaveLength(3);
  });
});

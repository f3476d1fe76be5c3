/**
 * POST /admin/subscriptions/{id}/cycles/{deliveryDate}/resolve (issue 10): a
 * cycle left in REVIEW — its charge timed out at a PG that cannot look charges
 * up (S17) — is closed by the shop's operator, exactly once; the subscription
 * moved on when the cycle went to REVIEW, and only once. The cycle reaches REVIEW as the charge worker leaves
 * it; the operator answers through the real local HTTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/dates.ts';
import { CYCLE_CHARGED_EVENT, processCharge } from '../../functions/use-cases/runs/charge.ts';
import { activeShop } from '../support/storefront.ts';
import { bootCharging, CARDS, chargeDeps, chargeItem, noticedSubscription, seoulAt, testClock, withoutLookup, type Harness, type Noticed } from './charge-harness.ts';

let h: Harness;
let shop: { shopId: string; admin: string };
let otherAdmin: string;
beforeAll(async () => {
  h = await bootCharging();
  shop = await activeShop(h.t);
  otherAdmin = (await activeShop(h.t)).admin;
});
afterAll(() => h?.t.stop());

/** A noticed subscription whose charge timed out after capture at a PG without lookup: the worker leaves it in REVIEW. */
async function inReview(): Promise<Noticed> {
  const noticed = await noticedSubscription(h, shop.shopId, { card: CARDS.timesOutAfterCapture });
  const deps = chargeDeps(h, { clock: testClock(seoulAt(noticed.cycle.chargeDate, '10:00')), gateways: withoutLookup(h.deps.chargingGateways) });
  expect((await processCharge(deps, chargeItem(noticed.cycle))).result).toBe('review');
  return noticed;
}

const resolve = (noticed: Noticed, body: Record<string, unknown>, token = shop.admin) =>
  h.t.call('POST', `/admin/subscriptions/${noticed.subscription.id}/cycles/${noticed.cycle.deliveryDate}/resolve`, { token, body });

const inReviewList = async () => {
  const listed = await h.t.call('GET', '/admin/subscriptions?cycleStatus=REVIEW', { token: shop.admin });
  expect(listed.status).toBe(200);
  return (listed.body.items as Array<{ id: string }>).map((item) => item.id);
};

const chargedEventsOf = (noticed: Noticed) => h.t.system.outbox.list().filter((item) => item.kind === CYCLE_CHARGED_EVENT && item.body.includes(noticed.subscription.id));
const nextDeliveryOf = async (noticed: Noticed) => (await h.subscriptions.get(noticed.subscription.id))!.nextDeliveryDate;
// The signup's cycle is two weeks (test/support/storefront.ts).
const advancedOnce = (noticed: Noticed) => addDays(noticed.cycle.deliveryDate, 14);

const cycleOf = async (noticed: Noticed) => (await h.cycles.get({ subscriptionId: noticed.subscription.id, deliveryDate: noticed.cycle.deliveryDate }))!;

/** Each outcome and what it leaves behind, checked after the first answer and again after a repeat (exactly once). */
const OUTCOMES = [
  {
    name: '"charged": CHARGED with its order and one charged event',
    body: { outcome: 'charged', pgReference: 'sbx_pay_found_by_operator' },
    other: 'not-charged',
    async effects(noticed: Noticed) {
      expect(await cycleOf(noticed)).toMatchObject({ status: 'CHARGED', paymentKey: 'sbx_pay_found_by_operator', resolution: { outcome: 'charged', pgReference: 'sbx_pay_found_by_operator' } });
      expect(await h.orders.get(noticed.subscription.id, noticed.cycle.deliveryDate)).toMatchObject({ amount: noticed.cycle.amount });
      expect(chargedEventsOf(noticed)).toHaveLength(1);
    },
  },
  {
    name: '"not-charged": FAILED, no order, the buyer and the operator mailed once',
    body: { outcome: 'not-charged' },
    other: 'charged',
    async effects(noticed: Noticed) {
      expect(await cycleOf(noticed)).toMatchObject({ status: 'FAILED', lastFailure: { code: 'NOT_CHARGED_AFTER_REVIEW' }, resolution: { outcome: 'not-charged' } });
      expect(await h.orders.get(noticed.subscription.id, noticed.cycle.deliveryDate)).toBeUndefined();
      expect(chargedEventsOf(noticed)).toEqual([]);
      // The buyer is told this delivery was not paid (the charge worker's final-failure mail), the operator too.
      expect(h.t.system.outbox.list({ to: noticed.email }).map((mail) => mail.kind)).toEqual(['charge-failed-final']);
      const operator = h.t.system.outbox.list({ to: `ops@${shop.shopId}.example` }).filter((mail) => mail.kind === 'charge-failed-operator' && mail.body.includes(noticed.subscription.id));
      expect(operator).toHaveLength(1);
    },
  },
] as const;

describe('resolving a cycle left in REVIEW', () => {
  it.each(OUTCOMES)('$name, the subscription advanced once; a repeat answers the same; the other outcome is 409', async ({ body, other, effects }) => {
    const noticed = await inReview();
    expect(await inReviewList()).toContain(noticed.subscription.id);
    // The subscription moved on when the cycle went to REVIEW (issue 17: never a next delivery in the past).
    expect(await nextDeliveryOf(noticed)).toBe(advancedOnce(noticed));

    const first = await resolve(noticed, body);

    expect(first.status).toBe(200);
    await effects(noticed);
    expect(await nextDeliveryOf(noticed)).toBe(advancedOnce(noticed));
    expect(await inReviewList()).not.toContain(noticed.subscription.id);

    const again = await resolve(noticed, body);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    await effects(noticed);
    expect(await nextDeliveryOf(noticed)).toBe(advancedOnce(noticed));

    const refused = await resolve(noticed, { outcome: other });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('CYCLE_NOT_IN_REVIEW');
  });

  it("is 404 for another shop's subscription and for a cycle that does not exist; 409 for a cycle not in REVIEW; 400 for a bad outcome", async () => {
    const noticed = await inReview();
    const foreign = await resolve(noticed, { outcome: 'charged' }, otherAdmin);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error.code).toBe('NOT_FOUND');
    const missing = await h.t.call('POST', `/admin/subscriptions/${noticed.subscription.id}/cycles/${addDays(noticed.cycle.deliveryDate, 1)}/resolve`, { token: shop.admin, body: { outcome: 'charged' } });
    expect(missing.status).toBe(404);
    expect((await resolve(noticed, { outcome: 'maybe' })).status).toBe(400);
    // Untouched by all of it: still waiting for its own operator.
    expect((await cycleOf(noticed)).status).toBe('REVIEW');
    expect(await inReviewList()).toContain(noticed.subscription.id);

    const noticedOnly = await noticedSubscription(h, shop.shopId);
    const notInReview = await resolve(noticedOnly, { outcome: 'charged' });
    expect(notInReview.status).toBe(409);
    expect(notInReview.body.error.code).toBe('CYCLE_NOT_IN_REVIEW');
  });
});

/**
 * A delivery charged after the subscription moved past it uncounted is counted exactly once (issue 14's
 * `chargedDeliveries`; functions/domain/delivery-count.ts): a cycle that went to REVIEW moved the subscription on
 * uncounted (its next delivery never waits on a person), and the operator's "charged" (POST …/resolve) counts it
 * then — once through duplicates, concurrent resolves and a crash at any DynamoDB call of the resolve followed
 * by the operator's retry — so the next notice locks the right delivery number (discounts by delivery number,
 * maxDeliveries). A buyer's pause while a charge is in flight leaves it the same way, and its payment is
 * counted when found. The shop's retry of a FAILED cycle is covered in charge-retry.test.ts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { subscriptionsRepository } from '../../functions/adapters/dynamodb/subscriptions.repo.ts';
import { addDays } from '../../functions/core/dates.ts';
import { resolveCycle } from '../../functions/use-cases/resolve-cycle.ts';
import { processCharge } from '../../functions/use-cases/runs/charge.ts';
import { processNotice } from '../../functions/use-cases/runs/notice.ts';
import { faultyClient, SimulatedCrash } from '../support/faulty-client.ts';
import { noticeItem } from '../support/notice-fixtures.ts';
import { activeShop, beans, dripBags } from '../support/storefront.ts';
import { bootCharging, CARDS, chargeDeps, chargeItem, noticedSubscription, REDELIVERY_MS, seoulAt, testClock, withoutLookup, type Harness, type Noticed } from './charge-harness.ts';

// Booted while the file is collected: the crash table below is built from a clean resolve's calls.
const h: Harness = await bootCharging();
afterAll(() => h.t.stop());
const shop = await activeShop(h.t);

/** A noticed subscription whose charge timed out after capture at a PG without lookup: left in REVIEW, the subscription moved on uncounted. */
async function inReview(shopId = shop.shopId): Promise<Noticed> {
  const noticed = await noticedSubscription(h, shopId, { card: CARDS.timesOutAfterCapture });
  const deps = chargeDeps(h, { clock: testClock(seoulAt(noticed.cycle.chargeDate, '10:00')), gateways: withoutLookup(h.deps.chargingGateways) });
  expect((await processCharge(deps, chargeItem(noticed.cycle))).result).toBe('review');
  return noticed;
}

/** The resolve use case over `db` (a faulty client for crash injection), as the resolveCycle function is wired. */
const resolveOver = (noticed: Noticed, db: DynamoDBDocumentClient = h.db) => {
  const deps = { ...chargeDeps(h, { db, clock: testClock(seoulAt(addDays(noticed.cycle.chargeDate, 2), '09:00')) }), subscriptions: subscriptionsRepository(db, h.tableName) };
  return resolveCycle(deps, noticed.shopId, 'owner', noticed.subscription.id, noticed.cycle.deliveryDate, { outcome: 'charged' });
};
const resolveHttp = (noticed: Noticed, admin = shop.admin) =>
  h.t.call('POST', `/admin/subscriptions/${noticed.subscription.id}/cycles/${noticed.cycle.deliveryDate}/resolve`, { token: admin, body: { outcome: 'charged' } });

/** Counted exactly once: one charged delivery, nothing owed, the cycle CHARGED, the subscription advanced once. */
async function expectCountedOnce(noticed: Noticed, label: string): Promise<void> {
  expect(await h.cycles.get(noticed.cycle), label).toMatchObject({ status: 'CHARGED', resolution: { outcome: 'charged' } });
  const subscription = (await h.subscriptions.get(noticed.subscription.id))!;
  expect(subscription.chargedDeliveries, label).toBe(1);
  expect(subscription.uncountedDeliveries, label).toBeUndefined();
  expect(subscription.nextDeliveryDate, label).toBe(addDays(noticed.cycle.deliveryDate, 14));
}

/** A clean resolve's DynamoDB calls: each is a crash point below. */
const clean = await (async () => {
  const noticed = await inReview();
  const counter = faultyClient(h.db, Number.POSITIVE_INFINITY);
  await resolveOver(noticed, counter.db);
  return { noticed, commands: counter.commands };
})();

describe('a REVIEW resolved as charged is counted once', () => {
  it('a clean resolve: the reads, the late count, the CHARGED write, the answer', async () => {
    await expectCountedOnce(clean.noticed, 'clean');
    expect(clean.commands).toEqual(['GetCommand', 'BatchGetCommand', 'BatchGetCommand', 'PutCommand', 'PutCommand', 'QueryCommand']);
  });

  it('through the API: counted by the first answer; a repeat counts nothing; two resolves at once count once', async () => {
    const first = await inReview();
    // Moved on uncounted at the REVIEW, owing the count.
    expect(await h.subscriptions.get(first.subscription.id)).toMatchObject({ nextDeliveryDate: addDays(first.cycle.deliveryDate, 14), uncountedDeliveries: [first.cycle.deliveryDate] });
    expect((await resolveHttp(first)).status).toBe(200);
    await expectCountedOnce(first, 'first answer');
    const again = await resolveHttp(first);
    expect(again.status).toBe(200);
    expect(again.body.chargedDeliveries).toBe(1);
    await expectCountedOnce(first, 'repeat');

    const racing = await inReview();
    const answers = await Promise.all([resolveHttp(racing), resolveHttp(racing), resolveHttp(racing)]);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    await expectCountedOnce(racing, 'three at once');
  });

  it('a delivery the charge worker had counted before it crashed (its PG cannot look up: REVIEW) is not counted again', async () => {
    const noticed = await noticedSubscription(h, shop.shopId);
    const item = chargeItem(noticed.cycle);
    const clock = testClock(item.scheduledTime);
    const gateways = withoutLookup(h.deps.chargingGateways);
    // Paid, the advance written (counted), then the process dies before the CHARGED write (call 5).
    await expect(processCharge(chargeDeps(h, { db: faultyClient(h.db, 5, 'before').db, clock, gateways }), item)).rejects.toBeInstanceOf(SimulatedCrash);
    clock.advance(REDELIVERY_MS);
    expect((await processCharge(chargeDeps(h, { clock, gateways }), item)).result).toBe('review');
    expect((await h.subscriptions.get(noticed.subscription.id))!.uncountedDeliveries).toBeUndefined();
    expect((await resolveHttp(noticed)).status).toBe(200);
    await expectCountedOnce(noticed, 'counted before the crash');
  });
});

describe('a pause while the charge is in flight (issue 13: the charge stands)', () => {
  it('the payment found by the next charge run is counted once, on the PAUSED subscription', async () => {
    const noticed = await noticedSubscription(h, shop.shopId, { card: CARDS.timesOutAfterCapture });
    const item = chargeItem(noticed.cycle);
    const clock = testClock(item.scheduledTime);
    const deps = chargeDeps(h, { clock });
    // Captured at the PG, the answer lost: CHARGING, looked up by the next run.
    expect((await processCharge(deps, item)).result).toBe('unknown');
    expect((await h.t.call('POST', `/subscriptions/${noticed.subscription.id}/pause`, { token: noticed.buyer, body: { cycles: 1 } })).status).toBe(200);
    expect(await h.subscriptions.get(noticed.subscription.id)).toMatchObject({ status: 'PAUSED', uncountedDeliveries: [noticed.cycle.deliveryDate] });

    const claim = (await h.cycles.get(noticed.cycle))!;
    clock.set(new Date(Date.parse(claim.chargingSince!) + REDELIVERY_MS));
    const nextRun = { ...item, date: claim.nextAttemptAt!.slice(0, 10), scheduledTime: new Date(claim.nextAttemptAt!).toISOString(), messageId: 'next-run' };
    expect(['charged', 'completed']).toContain((await processCharge(deps, nextRun)).result);
    expect((await processCharge(deps, nextRun)).result).toBe('nothing-to-do');
    expect(await h.cycles.get(noticed.cycle)).toMatchObject({ status: 'CHARGED' });
    const paused = (await h.subscriptions.get(noticed.subscription.id))!;
    expect(paused).toMatchObject({ status: 'PAUSED', chargedDeliveries: 1 });
    expect(paused.uncountedDeliveries).toBeUndefined();
  });
});

describe('a crash at every DynamoDB call of the resolve, then the operator resolves again: counted once', () => {
  const crashPoints = clean.commands.flatMap((command, i) => (['before', 'after'] as const).map((when) => [i + 1, when, command] as const));
  it.each(crashPoints)('crash at call %i (%s, %s)', async (k, when, command) => {
    const label = `crash ${when} call ${k} (${command})`;
    const noticed = await inReview();
    await expect(resolveOver(noticed, faultyClient(h.db, k, when).db), label).rejects.toBeInstanceOf(SimulatedCrash);
    await resolveOver(noticed);
    await expectCountedOnce(noticed, label);
  });
});

describe('the next notice after a late count', () => {
  it('locks the corrected delivery number: the 2nd-delivery discount, a line past its maxDeliveries left out, the final delivery; a subscription used up completes', async () => {
    const limited = await activeShop(h.t);
    await h.t.call('PUT', '/admin/products/beans', { token: limited.admin, body: { ...beans, maxDeliveries: 2, discounts: [{ fromDelivery: 2, won: 1_000 }] } });
    await h.t.call('PUT', '/admin/products/drip', { token: limited.admin, body: { ...dripBags, maxDeliveries: 1 } });
    const both = await inReview(limited.shopId);
    expect((await resolveHttp(both, limited.admin)).status).toBe(200);
    const sub = (await h.subscriptions.get(both.subscription.id))!;
    const notice = { ...h.deps, clock: testClock(seoulAt(sub.nextNoticeDate!, '08:00')) };
    expect(await processNotice(notice, noticeItem({ ...sub, nextDeliveryDate: sub.nextDeliveryDate!, nextNoticeDate: sub.nextNoticeDate! }))).toMatchObject({ status: 'noticed', amount: 2 * 24_000 });
    expect(await h.cycles.get({ subscriptionId: sub.id, deliveryDate: sub.nextDeliveryDate! })).toMatchObject({
      deliveryNumber: 2,
      finalDelivery: true,
      items: [{ productId: 'beans', quantity: 2, unitPrice: 24_000, listPrice: 25_000, discount: 1_000 }],
    });

    // Drip only (at most one delivery): the late count used it up, so its next notice completes it, never charged again.
    const dripOnly = await noticedSubscription(h, limited.shopId, { card: CARDS.timesOutAfterCapture, overrides: { items: [{ productId: 'drip', quantity: 1 }], cycle: '2w' } });
    const deps = chargeDeps(h, { clock: testClock(seoulAt(dripOnly.cycle.chargeDate, '10:00')), gateways: withoutLookup(h.deps.chargingGateways) });
    expect((await processCharge(deps, chargeItem(dripOnly.cycle))).result).toBe('review');
    expect((await resolveHttp(dripOnly, limited.admin)).status).toBe(200);
    const used = (await h.subscriptions.get(dripOnly.subscription.id))!;
    expect(await processNotice({ ...h.deps, clock: testClock(seoulAt(used.nextNoticeDate!, '08:00')) }, noticeItem({ ...used, nextDeliveryDate: used.nextDeliveryDate!, nextNoticeDate: used.nextNoticeDate! }))).toMatchObject({ status: 'skipped' });
    expect(await h.subscriptions.get(dripOnly.subscription.id)).toMatchObject({ status: 'COMPLETED', chargedDeliveries: 1 });
  });
});

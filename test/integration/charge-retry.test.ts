/**
 * The charge worker's half of the shop's retry of a FAILED cycle (issue 13; runs/charge-retry.ts): a RETRY
 * message is re-checked, claimed with the domain's `retry` (FAILED → CHARGING attempt n+1, its own order id) in
 * one conditional write, and charged with the charge run's own step. Duplicated messages (SQS is at-least-once,
 * and two merchants' clicks are two messages) claim once and capture once; a crash at any DynamoDB call, then
 * the message again and the next charge run, ends with one capture and the cycle CHARGED — and the delivery
 * counted exactly once (the subscription moved past it uncounted when it FAILED; delivery-count.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/dates.ts';
import type { Cycle } from '../../functions/domain/cycle.ts';
import { chargeWork, orderIdFor, processCharge, type ChargeDeps } from '../../functions/use-cases/runs/charge.ts';
import { outcomesOf, type Work } from '../../functions/use-cases/runs/work.ts';
import { faultyClient, SimulatedCrash } from '../support/faulty-client.ts';
import { activeShop, subscribe } from '../support/storefront.ts';
import { ANNOUNCED, bootCharging, CARDS, capturesOf, chargeDeps, chargeItem, noticedSubscription, REDELIVERY_MS, seoulAt, testClock, type Harness, type Noticed } from './charge-harness.ts';

// Booted while the file is collected: the crash table below is built from a clean retry's calls.
const h: Harness = await bootCharging();
afterAll(() => h.t.stop());
const { shopId } = await activeShop(h.t);

/** A cycle declined to the end of its window (FAILED, attempt 1) whose buyer then registered a card that pays. */
async function failedWithNewCard(): Promise<Noticed & { readonly failed: Cycle; readonly at: string }> {
  const noticed = await noticedSubscription(h, shopId, { card: CARDS.declines });
  const lastDate = addDays(noticed.cycle.chargeDate, 3);
  const last = chargeItem(noticed.cycle, '17:00', lastDate);
  expect((await processCharge(chargeDeps(h, { clock: testClock(last.scheduledTime) }), last)).result).toBe('failed');
  await subscribe(h.t, noticed.buyer, shopId, CARDS.succeeds, { contact: { email: noticed.email, phone: '010-2222-3333' } });
  const failed = (await h.cycles.get(noticed.cycle))!;
  expect(failed).toMatchObject({ status: 'FAILED', attempts: 1 });
  // Moved past it uncounted (the next delivery never waits on the shop), owing its count if a retry pays.
  expect(await h.subscriptions.get(noticed.subscription.id)).toMatchObject({ uncountedDeliveries: [noticed.cycle.deliveryDate] });
  return { ...noticed, failed, at: seoulAt(lastDate, '18:00') };
}

/** What POST …/retry puts on the charge worker's queue (use-cases/retry-cycle.ts). */
const retryMessage = (cycle: Cycle, at: string, messageId = `retry-${cycle.subscriptionId}`): Work => ({
  kind: 'RETRY',
  date: at.slice(0, 10),
  scheduledTime: new Date(at).toISOString(),
  shopId: cycle.shopId,
  messageId,
  items: [{ subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate }],
});

const results = async (deps: ChargeDeps, work: Work) => outcomesOf(await chargeWork(deps, work)).map((outcome) => outcome.result);

/**
 * Charged once, by the retry's attempt (2): one capture of the announced amount; the subscription not advanced
 * twice, and the delivery counted exactly once although the subscription had moved past it uncounted at the
 * failure (issue 14's count: the next notice locks delivery number 2).
 */
async function expectRetryChargedOnce(n: Noticed, label: string): Promise<void> {
  expect(await h.cycles.get(n.cycle), label).toMatchObject({ status: 'CHARGED', attempts: 2, orderId: orderIdFor(n.cycle.subscriptionId, n.cycle.deliveryDate, 2) });
  expect(capturesOf(h, n.cycle), label).toEqual([{ orderId: orderIdFor(n.cycle.subscriptionId, n.cycle.deliveryDate, 2), amount: ANNOUNCED.amount }]);
  const subscription = (await h.subscriptions.get(n.subscription.id))!;
  expect(subscription.nextDeliveryDate, label).toBe(addDays(n.cycle.deliveryDate, 14));
  expect(subscription.chargedDeliveries, label).toBe(1);
  expect(subscription.uncountedDeliveries, label).toBeUndefined();
}

/** A clean retry's DynamoDB calls: each is a crash point below. */
const clean = await (async () => {
  const n = await failedWithNewCard();
  const counter = faultyClient(h.db, Number.POSITIVE_INFINITY);
  const outcome = await results(chargeDeps(h, { db: counter.db, clock: testClock(n.at) }), retryMessage(n.failed, n.at));
  return { outcome, commands: counter.commands };
})();

describe('a RETRY message on the charge worker', () => {
  it('a clean retry: two batched reads, the claim, the late count, the CHARGED write (the subscription moved on at the failure already, uncounted)', () => {
    expect(clean.outcome).toEqual(['charged']);
    expect(clean.commands).toEqual(['BatchGetCommand', 'BatchGetCommand', 'PutCommand', 'PutCommand', 'PutCommand']);
  });

  // Several rounds: which copy wins, and where the others find the cycle, varies with the timing.
  it.each([1, 2, 3])('a duplicated RETRY message (three copies at once, then a redelivery) claims once and charges once (round %i)', async (round) => {
    const n = await failedWithNewCard();
    const deps = chargeDeps(h, { clock: testClock(n.at) });
    const message = retryMessage(n.failed, n.at);
    const outcomes = (await Promise.all([results(deps, message), results(deps, message), results(deps, message)])).flat();
    expect(outcomes.filter((result) => result === 'charged')).toHaveLength(1);
    for (const other of outcomes.filter((result) => result !== 'charged')) expect(['busy', 'nothing-to-do']).toContain(other);
    expect(await results(deps, message)).toEqual(['nothing-to-do']);
    await expectRetryChargedOnce(n, `round ${round}`);
    // The charged event once per id (the order id of attempt 2).
    expect(new Set(deps.recorded.events.map((event) => event.id))).toEqual(new Set([orderIdFor(n.cycle.subscriptionId, n.cycle.deliveryDate, 2)]));
  });

  it('a cycle no longer FAILED when the message arrives (charged by an earlier retry) is left alone: no claim, no PG call', async () => {
    const n = await failedWithNewCard();
    const deps = chargeDeps(h, { clock: testClock(n.at) });
    expect(await results(deps, retryMessage(n.failed, n.at, 'first'))).toEqual(['charged']);
    expect(await results(deps, retryMessage(n.failed, n.at, 'second'))).toEqual(['nothing-to-do']);
    await expectRetryChargedOnce(n, 'second message');
  });

  it('the re-check at the worker: a shop whose service stopped since the request is not charged; the cycle stays FAILED', async () => {
    const n = await failedWithNewCard();
    const deps = chargeDeps(h, { clock: testClock(n.at) });
    const stopped: ChargeDeps = { ...deps, shops: { ...deps.shops, get: async (id) => { const shop = await deps.shops.get(id); return shop && { ...shop, service: { ...shop.service, status: 'STOPPED' } }; } } };
    expect(await results(stopped, retryMessage(n.failed, n.at))).toEqual(['nothing-to-do']);
    expect(await h.cycles.get(n.cycle)).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect(capturesOf(h, n.cycle)).toEqual([]);
  });
});

describe('a crash at every DynamoDB call of a retry, then the message again and the next charge run', () => {
  const crashPoints = clean.commands.flatMap((command, i) => (['before', 'after'] as const).map((when) => [i + 1, when, command] as const));
  it.each(crashPoints)('crash at call %i (%s, %s): one capture, CHARGED', async (k, when, command) => {
    const label = `crash ${when} call ${k} (${command})`;
    const n = await failedWithNewCard();
    const clock = testClock(n.at);
    const message = retryMessage(n.failed, n.at);
    await expect(chargeWork(chargeDeps(h, { db: faultyClient(h.db, k, when).db, clock }), message).then((report) => { throw (report.results[0] as { error?: unknown }).error ?? new Error('no crash'); }), label).rejects.toBeInstanceOf(SimulatedCrash);

    // SQS redelivers the message: a FAILED cycle is claimed now; a claimed one (CHARGING) is the charge run's.
    clock.advance(REDELIVERY_MS);
    const deps = chargeDeps(h, { clock });
    expect(['charged', 'busy', 'nothing-to-do'], label).toContain((await results(deps, message))[0]);
    const after = (await h.cycles.get(n.cycle))!;
    if (after.status === 'CHARGING') {
      // The next charge run, past the claim's lease: it takes the attempt over and looks its order id up first.
      const nextRun = new Date(after.nextAttemptAt!);
      clock.set(new Date(Math.max(nextRun.getTime(), Date.parse(after.chargingSince!) + REDELIVERY_MS)));
      const run = { date: after.nextAttemptAt!.slice(0, 10), scheduledTime: nextRun.toISOString(), shopId, ref: { subscriptionId: n.cycle.subscriptionId, deliveryDate: n.cycle.deliveryDate }, messageId: 'next-run' };
      expect(['charged', 'completed'], label).toContain((await processCharge(deps, run)).result);
    }
    await expectRetryChargedOnce(n, label);
  });
});

/**
 * The charge worker against the local system (S17, S18, S19): a buyer
 * subscribed through the storefront with a sandbox card, the cycle noticed as
 * the notice worker leaves it, then `processCharge` for the work item the
 * charge run would queue, at the run times it would queue it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/handlers.ts';
import { addDays } from '../../functions/core/dates.ts';
import { toCycleView } from '../../functions/domain/cycle.ts';
import { CYCLE_CHARGED_EVENT, orderIdFor, processCharge } from '../../functions/use-cases/runs/charge.ts';
import { activeShop } from '../support/storefront.ts';
import {
  ANNOUNCED,
  bootCharging,
  CARDS,
  capturesOf,
  chargeDeps,
  chargeItem,
  chargeRuns,
  dueKeys,
  noticedSubscription,
  paymentsOnCard,
  REDELIVERY_MS,
  seoulAt,
  testClock,
  withoutLookup,
  type Harness,
} from './charge-harness.ts';

let h: Harness;
let shopId: string;
let admin: string;
beforeAll(async () => {
  h = await bootCharging();
  ({ shopId, admin } = await activeShop(h.t));
});
afterAll(() => h?.t.stop());

const cycleOf = async (subscriptionId: string, deliveryDate: string) => (await h.cycles.get({ subscriptionId: subscriptionId, deliveryDate: deliveryDate }))!;

describe('S17: the announced amount is charged the day before delivery', () => {
  it('card …0001: CHARGED with exactly the announced amount, order written, event published, subscription advanced 2 weeks and back in the NOTICE index', async () => {
    const noticed = await noticedSubscription(h, shopId);
    const { cycle, subscription } = noticed;
    const item = chargeItem(cycle);
    const deps = chargeDeps(h, { clock: testClock(item.scheduledTime) });

    const report = await processCharge(deps, item);

    expect(report.result).toBe('charged');
    const orderId = orderIdFor(cycle.subscriptionId, cycle.deliveryDate, 1);
    expect(orderId).toMatch(/^[A-Za-z0-9_-]{6,64}$/);
    // The PG's own record: one capture, of exactly the amount in the notice.
    expect(capturesOf(h, cycle)).toEqual([{ orderId, amount: ANNOUNCED.amount }]);
    expect(h.t.system.sandboxPg.findPaymentByOrderId(orderId).orderName).toBe('Beans 1kg 외 1건');

    const charged = await cycleOf(cycle.subscriptionId, cycle.deliveryDate);
    expect(charged).toMatchObject({ status: 'CHARGED', amount: ANNOUNCED.amount, attempts: 1, orderId, paymentKey: expect.any(String) });
    expect(toCycleView(charged)).toMatchObject({ status: 'CHARGED', amount: ANNOUNCED.amount, attempts: 1 });

    const order = await h.orders.get(cycle.subscriptionId, cycle.deliveryDate);
    expect(order).toMatchObject({ orderId, shopId, amount: ANNOUNCED.amount, items: ANNOUNCED.items, deliveryDate: cycle.deliveryDate, paymentKey: charged.paymentKey });
    expect((await h.orders.listByShop(shopId, 100)).map((o) => o.orderId)).toContain(orderId);

    expect(deps.recorded.events).toEqual([
      expect.objectContaining({ type: CYCLE_CHARGED_EVENT, id: orderId, shopId, detail: expect.objectContaining({ subscriptionId: cycle.subscriptionId, amount: ANNOUNCED.amount, deliveryDate: cycle.deliveryDate }) }),
    ]);

    const advanced = (await h.subscriptions.get(subscription.id))!;
    const next = addDays(cycle.deliveryDate, 14);
    expect(advanced).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: next, nextNoticeDate: addDays(next, -2), nextChargeDate: addDays(next, -1) });
    expect(await dueKeys(h, 'NOTICE', addDays(next, -2))).toContain(`SUB#${subscription.id}|CYCLE#${next}`);
    expect(await dueKeys(h, 'CHARGE', cycle.chargeDate)).not.toContain(`SUB#${subscription.id}|CYCLE#${cycle.deliveryDate}`);

    // The buyer sees it through the API, in the contract's shape.
    const detail = await h.t.call('GET', `/subscriptions/${subscription.id}`, { token: noticed.buyer });
    expect(detail.body.cycles).toEqual([expect.objectContaining({ deliveryDate: cycle.deliveryDate, status: 'CHARGED', amount: ANNOUNCED.amount })]);
    expect(detail.body.nextDeliveryDate).toBe(next);
  });

  it('the noticed cycle is in the due CHARGE index of its charge date before, and a run before that date does not charge it', async () => {
    const { cycle, subscription } = await noticedSubscription(h, shopId);
    expect(await dueKeys(h, 'CHARGE', cycle.chargeDate)).toContain(`SUB#${subscription.id}|CYCLE#${cycle.deliveryDate}`);
    const early = chargeItem(cycle, '17:00', addDays(cycle.chargeDate, -1));
    const deps = chargeDeps(h, { clock: testClock(early.scheduledTime) });
    expect((await processCharge(deps, early)).result).toBe('not-due');
    expect(capturesOf(h, cycle)).toEqual([]);
  });

  it('a 1-month subscription started on the 31st moves to the last day of a shorter month (anchor day kept)', async () => {
    const window = await h.t.call('PUT', '/admin/settings/subscription', { token: admin, body: { startDateWindow: { earliestDaysAhead: 3, latestDaysAhead: 120 } } });
    expect(window.status).toBe(200);
    // The first 31st a buyer may start on.
    let start = addDays(new Date().toISOString().slice(0, 10), 4);
    while (!start.endsWith('-31')) start = addDays(start, 1);
    const { cycle, subscription } = await noticedSubscription(h, shopId, { overrides: { cycle: '1m', startDate: start } });
    expect(cycle.deliveryDate).toBe(start);

    const item = chargeItem(cycle);
    expect((await processCharge(chargeDeps(h, { clock: testClock(item.scheduledTime) }), item)).result).toBe('charged');

    const [year, month] = start.split('-').map(Number) as [number, number];
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    const expected = new Date(Date.UTC(year, month, Math.min(31, lastDay))).toISOString().slice(0, 10);
    const advanced = (await h.subscriptions.get(subscription.id))!;
    expect(advanced.nextDeliveryDate).toBe(expected);
    expect(await dueKeys(h, 'NOTICE', addDays(expected, -2))).toContain(`SUB#${subscription.id}|CYCLE#${expected}`);
  });
});

describe('issue 14: the charge of the final delivery (maxDeliveries) completes the subscription', () => {
  it('COMPLETED with the delivery counted, the following plan withdrawn, out of the S6 count; a crash before the buyer\'s mail is finished by the look-up, mailing once', async () => {
    const noticed = await noticedSubscription(h, shopId);
    const { subscription } = noticed;
    // As the notice locks a last delivery (domain priceCycle): the cycle says it is final.
    const final = { ...noticed.cycle, finalDelivery: true, deliveryNumber: 1 };
    expect(await h.cycles.write(final, { status: 'NOTICED', attempts: 0 })).toBe(true);
    const following = final.followingDeliveryDate!;
    const count = async () => (await h.t.call('GET', '/admin/service', { token: admin })).body.stats.activeSubscriptions as number;
    const before = await count();
    const item = chargeItem(final);
    const clock = testClock(item.scheduledTime);
    // The worker dies at the buyer's mail: after the payment and the subscription's write, before the cycle's.
    let dies = true;
    const sent: string[] = [];
    const mailer = {
      async send(mail: { kind: string }) {
        if (mail.kind === 'subscription-completed' && dies) {
          dies = false;
          throw new Error('worker died');
        }
        sent.push(mail.kind);
        return { messageId: `m-${sent.length}` };
      },
    };
    const deps = chargeDeps(h, { clock, mailer: mailer as never });
    await expect(processCharge(deps, item)).rejects.toThrow('worker died');
    expect(await h.subscriptions.get(subscription.id)).toMatchObject({ status: 'COMPLETED', chargedDeliveries: 1, completedWith: final.deliveryDate, nextDeliveryDate: null });
    expect((await cycleOf(final.subscriptionId, final.deliveryDate)).status).toBe('CHARGING');

    clock.advance(REDELIVERY_MS);
    expect((await processCharge(deps, item)).result).toBe('completed');
    expect((await cycleOf(final.subscriptionId, final.deliveryDate)).status).toBe('CHARGED');
    expect(capturesOf(h, final)).toHaveLength(1);
    expect(sent.filter((kind) => kind === 'subscription-completed')).toHaveLength(1);
    expect(await h.cycles.get({ subscriptionId: subscription.id, deliveryDate: following })).toBeUndefined();
    expect(await count()).toBe(before - 1);
    // A further redelivery changes nothing.
    clock.advance(REDELIVERY_MS);
    expect((await processCharge(deps, item)).result).toBe('nothing-to-do');
    expect(sent.filter((kind) => kind === 'subscription-completed')).toHaveLength(1);
    expect(await count()).toBe(before - 1);
  });
});

describe('S18 and S19: cancels after the notice', () => {
  it('S18: a partial cancel after the notice still charges exactly the announced amount', async () => {
    const noticed = await noticedSubscription(h, shopId);
    const cancel = await h.t.call('POST', `/subscriptions/${noticed.subscription.id}/cancel`, { token: noticed.buyer, body: { productIds: ['drip'] } });
    expect(cancel.body.status).toBe('ACTIVE');

    const item = chargeItem(noticed.cycle);
    expect((await processCharge(chargeDeps(h, { clock: testClock(item.scheduledTime) }), item)).result).toBe('charged');
    // Not 50,000 (beans only): the notice's 68,000.
    expect(capturesOf(h, noticed.cycle).map((c) => c.amount)).toEqual([ANNOUNCED.amount]);
  });

  it('S19: every announced item cancelled through the API → SKIPPED, nothing charged', async () => {
    const noticed = await noticedSubscription(h, shopId);
    await h.t.call('POST', `/subscriptions/${noticed.subscription.id}/cancel`, { token: noticed.buyer, body: {} });
    const item = chargeItem(noticed.cycle);
    expect((await processCharge(chargeDeps(h, { clock: testClock(item.scheduledTime) }), item)).result).toBe('nothing-to-do');
    expect((await cycleOf(noticed.cycle.subscriptionId, noticed.cycle.deliveryDate)).status).toBe('SKIPPED');
    expect(await paymentsOnCard(h, noticed)).toBe(0);
  });

  it('S19: the worker skips on its own when the items are cancelled but the cycle is still NOTICED', async () => {
    const noticed = await noticedSubscription(h, shopId);
    const { subscription } = noticed;
    // As if the cancel recorded the items and died before skipping the cycle.
    const items = subscription.items.map((line) => ({ ...line, status: 'CANCELLED' as const }));
    expect(await h.subscriptions.update({ ...subscription, items }, subscription.version ?? 0)).toBe(true);

    const item = chargeItem(noticed.cycle);
    expect((await processCharge(chargeDeps(h, { clock: testClock(item.scheduledTime) }), item)).result).toBe('skipped');
    expect((await cycleOf(noticed.cycle.subscriptionId, noticed.cycle.deliveryDate)).status).toBe('SKIPPED');
    expect(await paymentsOnCard(h, noticed)).toBe(0);
    expect(await dueKeys(h, 'CHARGE', noticed.cycle.chargeDate)).not.toContain(`SUB#${subscription.id}|CYCLE#${noticed.cycle.deliveryDate}`);
  });

  // Both in flight together, their starts shifted by a few milliseconds either way (offset ms: the charge
  // first when positive), so that the cancel lands before the claim, between the claim and the PG's answer,
  // and after. One case per offset.
  it.each(Array.from({ length: 16 }, (_, i) => i - 8))('S19 race, cancel shifted by %i ms: a whole cancel racing the charge ends SKIPPED with no charge, or CHARGED with the charge standing — never both', async (offset) => {
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const noticed = await noticedSubscription(h, shopId);
    const item = chargeItem(noticed.cycle);
    const deps = chargeDeps(h, { clock: testClock(item.scheduledTime) });
    const cancel = async () => {
      await pause(Math.max(offset, 0));
      return h.t.call('POST', `/subscriptions/${noticed.subscription.id}/cancel`, { token: noticed.buyer, body: {} });
    };
    const charge = async () => {
      await pause(Math.max(-offset, 0));
      return processCharge(deps, item);
    };
    await Promise.all([cancel(), charge()]);

    const final = await cycleOf(noticed.cycle.subscriptionId, noticed.cycle.deliveryDate);
    const captures = capturesOf(h, noticed.cycle);
    expect(['SKIPPED', 'CHARGED']).toContain(final.status);
    if (final.status === 'SKIPPED') {
      expect(captures, 'a skipped cycle is never charged').toEqual([]);
      expect(await paymentsOnCard(h, noticed)).toBe(0);
    } else {
      expect(captures).toHaveLength(1);
      expect(await h.orders.get(noticed.cycle.subscriptionId, noticed.cycle.deliveryDate)).toBeDefined();
    }
    // The cancel itself always applies.
    expect((await h.subscriptions.get(noticed.subscription.id))!.status).toBe('CANCELLED');
  });

  it('S19 race, cancel between the worker’s S19 check and its claim: the claim loses, nothing is charged', async () => {
    const noticed = await noticedSubscription(h, shopId);
    const item = chargeItem(noticed.cycle);
    const deps = chargeDeps(h, { clock: testClock(item.scheduledTime) });
    const racing = {
      ...deps,
      subscriptions: {
        ...deps.subscriptions,
        // The worker has read the subscription (items still active); the buyer cancels everything right then.
        get: async (id: string) => {
          const read = await deps.subscriptions.get(id);
          await h.t.call('POST', `/subscriptions/${noticed.subscription.id}/cancel`, { token: noticed.buyer, body: {} });
          return read;
        },
      },
    };
    expect((await processCharge(racing, item)).result).toBe('nothing-to-do');
    expect((await cycleOf(noticed.cycle.subscriptionId, noticed.cycle.deliveryDate)).status).toBe('SKIPPED');
    expect(await paymentsOnCard(h, noticed)).toBe(0);
  });

  it('S19 race, cancel while the charge is at the PG: the cycle is no longer NOTICED, so the charge stands and the cancel applies from the next cycle', async () => {
    const noticed = await noticedSubscription(h, shopId);
    const item = chargeItem(noticed.cycle);
    const racing = chargeDeps(h, {
      clock: testClock(item.scheduledTime),
      gateways: {
        async gatewayFor(shopId, provider) {
          const real = await h.deps.chargingGateways.gatewayFor(shopId, provider);
          return {
            ...real,
            charge: async (request) => {
              const cancel = await h.t.call('POST', `/subscriptions/${noticed.subscription.id}/cancel`, { token: noticed.buyer, body: {} });
              expect(cancel.body.cycles[0].status).toBe('NOTICED');
              return real.charge(request);
            },
          };
        },
      },
    });
    expect((await processCharge(racing, item)).result).toBe('charged');
    expect((await cycleOf(noticed.cycle.subscriptionId, noticed.cycle.deliveryDate)).status).toBe('CHARGED');
    expect(capturesOf(h, noticed.cycle)).toHaveLength(1);
    expect(await h.orders.get(noticed.cycle.subscriptionId, noticed.cycle.deliveryDate)).toBeDefined();
    // Cancelled: not advanced to a next delivery.
    expect((await h.subscriptions.get(noticed.subscription.id))!).toMatchObject({ status: 'CANCELLED', nextDeliveryDate: null });
  });
});

describe('S17: a declined card is retried at each charge run for three days, then the cycle fails', () => {
  it('card …0002: NOTICED-with-retry and one charge-failed mail; retried at later runs; after the last, FAILED, buyer and operator told, subscription advanced', async () => {
    const noticed = await noticedSubscription(h, shopId, { card: CARDS.declines });
    const { cycle, subscription, email } = noticed;
    const clock = testClock(seoulAt(cycle.chargeDate, '10:00'));
    // The real mailer: the mails land in the local outbox with their kinds.
    const deps = chargeDeps(h, { clock, mailer: h.deps.mailer });
    const runs = chargeRuns(cycle.chargeDate, 4);
    expect(runs).toHaveLength(8);

    // First attempt (chargeDate 10:00).
    const first = chargeItem(cycle, '10:00');
    expect((await processCharge(deps, first)).result).toBe('retry-scheduled');
    let current = await cycleOf(cycle.subscriptionId, cycle.deliveryDate);
    expect(current).toMatchObject({ status: 'NOTICED', attempts: 1, lastFailure: { code: 'REJECT_CARD_PAYMENT', attempt: 1 }, nextAttemptAt: `${cycle.chargeDate}T17:00:00+09:00` });
    expect(toCycleView(current)).toMatchObject({ status: 'NOTICED', attempts: 1, chargeProgress: 'RETRY_SCHEDULED', lastFailure: { code: 'REJECT_CARD_PAYMENT' } });
    // Still due today (the 17:00 run pages the same day's index).
    expect(await dueKeys(h, 'CHARGE', cycle.chargeDate)).toContain(`SUB#${subscription.id}|CYCLE#${cycle.deliveryDate}`);
    let mails = h.t.system.outbox.list({ to: email });
    expect(mails.map((m) => m.kind)).toEqual(['charge-failed']);
    expect(mails[0]!.body).toContain('68,000원');
    expect(mails[0]!.body).toContain(`${cycle.chargeDate} 17:00`);

    // The same run again (a repeated trigger): not due until 17:00, no attempt.
    clock.advance(REDELIVERY_MS);
    expect((await processCharge(deps, first)).result).toBe('not-due');
    expect(await paymentsOnCard(h, noticed)).toBe(1);

    // Every later run retries; the buyer is mailed once only.
    for (const [date, time] of runs.slice(1, -1)) {
      clock.set(seoulAt(date, time));
      expect((await processCharge(deps, chargeItem(cycle, time, date))).result, `${date} ${time}`).toBe('retry-scheduled');
    }
    current = await cycleOf(cycle.subscriptionId, cycle.deliveryDate);
    expect(current.attempts).toBe(7);
    expect(await dueKeys(h, 'CHARGE', addDays(cycle.chargeDate, 3))).toContain(`SUB#${subscription.id}|CYCLE#${cycle.deliveryDate}`);
    expect(h.t.system.outbox.list({ to: email }).map((m) => m.kind)).toEqual(['charge-failed']);

    // The last run of the window: FAILED.
    const [lastDate, lastTime] = runs.at(-1)!;
    clock.set(seoulAt(lastDate, lastTime));
    expect((await processCharge(deps, chargeItem(cycle, lastTime, lastDate))).result).toBe('failed');
    current = await cycleOf(cycle.subscriptionId, cycle.deliveryDate);
    expect(current).toMatchObject({ status: 'FAILED', attempts: 8, lastFailure: { code: 'REJECT_CARD_PAYMENT', attempt: 8 } });
    expect(toCycleView(current).status).toBe('FAILED');
    expect(await paymentsOnCard(h, noticed)).toBe(8);
    expect(capturesOf(h, cycle)).toEqual([]);
    expect(await h.orders.get(cycle.subscriptionId, cycle.deliveryDate)).toBeUndefined();

    mails = h.t.system.outbox.list({ to: email });
    expect(mails.map((m) => m.kind)).toEqual(['charge-failed', 'charge-failed-final']);
    const operator = h.t.system.outbox.list({ to: `ops@${shopId}.example` }).filter((m) => m.body.includes(subscription.id));
    expect(operator.map((m) => m.kind)).toEqual(['charge-failed-operator']);
    expect(operator[0]!.body).toContain('68,000원');

    // The subscription moves on to its next cycle anyway.
    const next = addDays(cycle.deliveryDate, 14);
    const advanced = (await h.subscriptions.get(subscription.id))!;
    expect(advanced).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: next });
    expect(await dueKeys(h, 'NOTICE', addDays(next, -2))).toContain(`SUB#${subscription.id}|CYCLE#${next}`);
    expect(await dueKeys(h, 'CHARGE', lastDate)).not.toContain(`SUB#${subscription.id}|CYCLE#${cycle.deliveryDate}`);

    // A later run changes nothing.
    clock.advance(REDELIVERY_MS);
    expect((await processCharge(deps, chargeItem(cycle, lastTime, lastDate))).result).toBe('nothing-to-do');
    expect(await paymentsOnCard(h, noticed)).toBe(8);
  });

  it('a KakaoPay subscription whose shop switched KakaoPay off fails at once with a clear reason', async () => {
    const kakao = await activeShop(h.t, { kakaopay: true });
    const noticed = await noticedSubscription(h, kakao.shopId, { kakaopay: true });
    // The switch-off's own cascade (which cancels the cycle) is not run here: this is the charge worker's
    // guard for a cycle it reaches first. The shop item is written as the switch-off writes it.
    const { deps: wired } = await import('../../functions/wiring.ts');
    const current = (await wired.shops.get(kakao.shopId))!;
    expect(await wired.shops.update(kakao.shopId, current.version, { service: { ...current.service, easyPay: [] } })).toBe(true);
    const item = chargeItem(noticed.cycle);
    const deps = chargeDeps(h, { clock: testClock(item.scheduledTime) });

    expect((await processCharge(deps, item)).result).toBe('failed');
    const failed = await cycleOf(noticed.cycle.subscriptionId, noticed.cycle.deliveryDate);
    expect(failed).toMatchObject({ status: 'FAILED', lastFailure: { code: 'PAYMENT_METHOD_NOT_AVAILABLE' } });
    expect(deps.recorded.mails.map((m) => [m.kind, m.to])).toEqual([
      ['charge-failed-final', noticed.email],
      ['charge-failed-operator', `ops@${kakao.shopId}.example`],
    ]);
    expect((await h.subscriptions.get(noticed.subscription.id))!.nextDeliveryDate).toBe(addDays(noticed.cycle.deliveryDate, 14));
  });
});

describe('an outcome we do not know: look up first, never charge blind', () => {
  it('card …0003: the first call is UNKNOWN (left CHARGING); the next run looks the order up and records it — one capture', async () => {
    const noticed = await noticedSubscription(h, shopId, { card: CARDS.timesOutAfterCapture });
    const { cycle, subscription } = noticed;
    const clock = testClock(seoulAt(cycle.chargeDate, '10:00'));
    const deps = chargeDeps(h, { clock });

    expect((await processCharge(deps, chargeItem(cycle, '10:00'))).result).toBe('unknown');
    const charging = await cycleOf(cycle.subscriptionId, cycle.deliveryDate);
    expect(charging).toMatchObject({ status: 'CHARGING', attempts: 1 });
    expect(toCycleView(charging)).toMatchObject({ status: 'NOTICED', chargeProgress: 'CHARGING' });
    // The PG took the money even though we could not hear it.
    expect(capturesOf(h, cycle)).toHaveLength(1);
    // Waiting in the index for the 17:00 run.
    expect(await dueKeys(h, 'CHARGE', cycle.chargeDate)).toContain(`SUB#${subscription.id}|CYCLE#${cycle.deliveryDate}`);

    // A duplicate delivery while the attempt may still be at the PG: hands off.
    expect((await processCharge(deps, chargeItem(cycle, '10:00'))).result).toBe('busy');

    clock.set(seoulAt(cycle.chargeDate, '17:00'));
    expect((await processCharge(deps, chargeItem(cycle, '17:00'))).result).toBe('charged');
    expect(capturesOf(h, cycle)).toEqual([{ orderId: orderIdFor(cycle.subscriptionId, cycle.deliveryDate, 1), amount: ANNOUNCED.amount }]);
    expect(await paymentsOnCard(h, noticed)).toBe(1);
    expect((await cycleOf(cycle.subscriptionId, cycle.deliveryDate)).status).toBe('CHARGED');
    expect(await h.orders.get(cycle.subscriptionId, cycle.deliveryDate)).toBeDefined();
    expect((await h.subscriptions.get(subscription.id))!.nextDeliveryDate).toBe(addDays(cycle.deliveryDate, 14));
  });

  it('the same after an SQS redelivery of the same run (past the lease): look-up first, no second capture', async () => {
    const noticed = await noticedSubscription(h, shopId, { card: CARDS.timesOutAfterCapture });
    const item = chargeItem(noticed.cycle);
    const clock = testClock(item.scheduledTime);
    const deps = chargeDeps(h, { clock });
    expect((await processCharge(deps, item)).result).toBe('unknown');
    clock.advance(REDELIVERY_MS);
    expect((await processCharge(deps, item)).result).toBe('charged');
    expect(await paymentsOnCard(h, noticed)).toBe(1);
  });

  it('a PG that cannot look charges up: the cycle goes to manual review and the operator is mailed; nothing is charged again', async () => {
    const noticed = await noticedSubscription(h, shopId, { card: CARDS.timesOutAfterCapture });
    const { cycle, subscription } = noticed;
    const clock = testClock(seoulAt(cycle.chargeDate, '10:00'));
    const deps = chargeDeps(h, { clock, gateways: withoutLookup(h.deps.chargingGateways) });

    expect((await processCharge(deps, chargeItem(cycle, '10:00'))).result).toBe('review');
    const review = await cycleOf(cycle.subscriptionId, cycle.deliveryDate);
    expect(review).toMatchObject({ status: 'REVIEW', attempts: 1, reviewReason: expect.stringContaining('cannot look it up') });
    expect(toCycleView(review)).toMatchObject({ status: 'NOTICED', chargeProgress: 'MANUAL_REVIEW' });
    expect(deps.recorded.mails.map((m) => [m.kind, m.to])).toEqual([['charge-review', `ops@${shopId}.example`]]);
    expect(deps.recorded.mails[0]!.text).toContain(orderIdFor(cycle.subscriptionId, cycle.deliveryDate, 1));
    expect(await dueKeys(h, 'CHARGE', cycle.chargeDate)).not.toContain(`SUB#${subscription.id}|CYCLE#${cycle.deliveryDate}`);

    clock.set(seoulAt(cycle.chargeDate, '17:00'));
    expect((await processCharge(deps, chargeItem(cycle, '17:00'))).result).toBe('nothing-to-do');
    expect(await paymentsOnCard(h, noticed)).toBe(1);
    // The subscription moves on at once (issue 17: never a next delivery in the past); only this cycle waits for the operator.
    expect((await h.subscriptions.get(subscription.id))!.nextDeliveryDate).toBe(addDays(cycle.deliveryDate, 14));
  });
});

describe('a shop whose service is not ACTIVE', () => {
  it('is not charged while STOPPING: the cycle stays NOTICED, and the stop job then cancels it (S22)', async () => {
    const stopped = await activeShop(h.t);
    const noticed = await noticedSubscription(h, stopped.shopId);
    // S21: a different PG stops the service. The worker may reach the cycle before the stop job does.
    const { deps: wired } = await import('../../functions/wiring.ts');
    const current = (await wired.shops.get(stopped.shopId))!;
    expect(await wired.shops.update(stopped.shopId, current.version, { service: { ...current.service, status: 'STOPPING', cardPg: 'inicis', stop: { reason: 'PG_CHANGED', at: current.createdAt, jobId: `v${current.version + 1}` } } })).toBe(true);
    const item = chargeItem(noticed.cycle);
    const billingKey = (await h.deps.billingKeys.get(noticed.shopId, noticed.customerId, 'card'))!.billingKey;
    expect((await processCharge(chargeDeps(h, { clock: testClock(item.scheduledTime) }), item)).result).toBe('service-inactive');
    expect((await cycleOf(noticed.cycle.subscriptionId, noticed.cycle.deliveryDate)).status).toBe('NOTICED');
    // GET /admin/service resumes the stop (its job was never created), and the job cancels the cycle.
    expect((await h.t.call('GET', '/admin/service', { token: stopped.admin })).body.status).toBe('STOPPING');
    await h.t.system.queues.drain();
    expect((await cycleOf(noticed.cycle.subscriptionId, noticed.cycle.deliveryDate)).status).toBe('CANCELLED');
    expect((await processCharge(chargeDeps(h, { clock: testClock(item.scheduledTime) }), item)).result).not.toBe('charged');
    // The card's key is gone at the PG (S22), never charged.
    expect(h.t.system.sandboxPg.billingKey(billingKey)).toMatchObject({ deletedAt: expect.any(String) });
    expect(h.t.system.sandboxPg.billingKey(billingKey)?.chargeAttempts ?? 0).toBe(0);
  });
});

describe('the deployed handler (SQS → sqsWorker → processCharge)', () => {
  it('charges the cycles of a queue message shaped like events/charge-worker.json, and the charged event reaches the bus', async () => {
    const noticed = await noticedSubscription(h, shopId);
    const { cycle } = noticed;
    const sample = JSON.parse(readFileSync(join(REPO_ROOT, 'events/charge-worker.json'), 'utf8')) as { Records: Array<{ body: string }> };
    const record = sample.Records[0]!;
    const body = { ...JSON.parse(record.body), date: cycle.chargeDate, scheduledTime: seoulAt(cycle.chargeDate, '10:00'), shopId, items: [{ subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate }] };
    const event = { Records: [{ ...record, body: JSON.stringify(body) }] };

    const response = (await h.t.system.invoke('chargeWorker', event)) as { batchItemFailures: unknown[] };

    expect(response.batchItemFailures).toEqual([]);
    expect((await cycleOf(cycle.subscriptionId, cycle.deliveryDate)).status).toBe('CHARGED');
    expect(capturesOf(h, cycle).map((c) => c.amount)).toEqual([ANNOUNCED.amount]);
    const published = h.t.system.outbox.list().filter((item) => item.kind === CYCLE_CHARGED_EVENT && item.body.includes(cycle.subscriptionId));
    expect(published).toHaveLength(1);
    expect(JSON.parse(published[0]!.body)).toMatchObject({ id: orderIdFor(cycle.subscriptionId, cycle.deliveryDate, 1), shopId, amount: ANNOUNCED.amount });
  });
});

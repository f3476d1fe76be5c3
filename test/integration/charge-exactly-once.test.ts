/**
 * Exactly once (S17): the charge is a sequence of single-item conditional
 * writes around a PG call, with no transaction. Whatever dies — any DynamoDB
 * call (before it lands or after), the PG call (before the PG sees it, or
 * after it captured), a mail or an event — running the item again (as SQS
 * redelivers it, past the charge lease) ends with one capture at the PG, the
 * cycle CHARGED, one order and the subscription advanced once. Two workers at
 * once capture once too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ChargeOutcome, ChargingGateway, LookupOutcome } from '../../functions/adapters/gateways/payment-gateway.ts';
import type { DomainEvent, EventPublisher, Mail, Mailer } from '../../functions/adapters/messaging/ports.ts';
import { addDays } from '../../functions/core/dates.ts';
import type { Cycle } from '../../functions/domain/cycle.ts';
import { processCharge, type ChargeDeps } from '../../functions/use-cases/runs/charge.ts';
import type { GatewayDirectory } from '../../functions/use-cases/storefront-deps.ts';
import { faultyClient, SimulatedCrash } from '../support/faulty-client.ts';
import { activeShop } from '../support/storefront.ts';
import {
  ANNOUNCED,
  bootCharging,
  CARDS,
  capturesOf,
  chargeDeps,
  chargeItem,
  noticedSubscription,
  paymentsOnCard,
  REDELIVERY_MS,
  seoulAt,
  testClock,
  type Harness,
  type Noticed,
} from './charge-harness.ts';

// Booted while the file is collected: the crash table below is built from a clean run's calls.
const h: Harness = await bootCharging();
afterAll(() => h.t.stop());
const { shopId } = await activeShop(h.t);

/** A clean run's DynamoDB calls, counted on a first subscription: each is a crash point below. */
const clean = await (async () => {
  const probe = await noticedSubscription(h, shopId);
  const counter = faultyClient(h.db, Number.POSITIVE_INFINITY);
  const probeItem = chargeItem(probe.cycle);
  const result = (await processCharge(chargeDeps(h, { db: counter.db, clock: testClock(probeItem.scheduledTime) }), probeItem)).result;
  return { result, calls: counter.calls(), commands: counter.commands };
})();

const WHEN = ['before', 'after'] as const;
type When = (typeof WHEN)[number];

/** Everything "charged exactly once" means, after the dust settles. */
async function expectChargedOnce(noticed: Noticed, events: readonly DomainEvent[], label: string): Promise<void> {
  const { cycle, subscription } = noticed;
  const final = (await h.cycles.get({ subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate }))!;
  expect(final.status, label).toBe('CHARGED');
  expect(capturesOf(h, cycle).map((c) => c.amount), label).toEqual([ANNOUNCED.amount]);
  expect(await paymentsOnCard(h, noticed), label).toBe(1);
  const order = await h.orders.get(cycle.subscriptionId, cycle.deliveryDate);
  expect(order?.orderId, label).toBe(final.orderId);
  expect((await h.orders.listByShop(shopId, 1000)).filter((o) => o.subscriptionId === subscription.id), label).toHaveLength(1);
  // Advanced once: 14 days, not 28.
  expect((await h.subscriptions.get(subscription.id))!.nextDeliveryDate, label).toBe(addDays(cycle.deliveryDate, 14));
  // At least once, always under the same id (consumers dedupe by it).
  expect(events.length, label).toBeGreaterThanOrEqual(1);
  expect(new Set(events.map((event) => event.id)), label).toEqual(new Set([final.orderId]));
}

describe('two workers at once', () => {
  // Several rounds: which of the three wins, and where the others find it, varies with the timing.
  it.each([1, 2, 3, 4, 5])('the same item processed three times concurrently captures once (round %i)', async (round) => {
    const noticed = await noticedSubscription(h, shopId);
    const item = chargeItem(noticed.cycle);
    const deps = chargeDeps(h, { clock: testClock(item.scheduledTime) });
    const results = await Promise.all([processCharge(deps, item), processCharge(deps, item), processCharge(deps, item)]);
    expect(results.filter((r) => r.result === 'charged')).toHaveLength(1);
    for (const other of results.filter((r) => r.result !== 'charged')) expect(['busy', 'completed', 'nothing-to-do']).toContain(other.result);
    await expectChargedOnce(noticed, deps.recorded.events, `round ${round}`);
  });

  it('two redeliveries finding the same stale CHARGING: one takes it over and looks it up, the other keeps off', async () => {
    const noticed = await noticedSubscription(h, shopId, { card: CARDS.timesOutAfterCapture });
    const item = chargeItem(noticed.cycle);
    const clock = testClock(item.scheduledTime);
    const deps = chargeDeps(h, { clock });
    expect((await processCharge(deps, item)).result).toBe('unknown');
    clock.advance(REDELIVERY_MS);
    const results = (await Promise.all([processCharge(deps, item), processCharge(deps, item)])).map((r) => r.result).sort();
    expect(results[0]).toBe('busy');
    expect(['charged', 'completed']).toContain(results[1]);
    await expectChargedOnce(noticed, deps.recorded.events, 'stale CHARGING');
  });
});

describe('a crash at every DynamoDB call, then the item again', () => {
  it('a clean run charges in five calls (two batched reads, claim, advance, CHARGED); the table below crashes at each', () => {
    expect(clean.result).toBe('charged');
    // The whole of a charge: two batched reads (the cycle, subscription and shop; the billing key), the claim,
    // the subscription's advance, and the cycle CHARGED (the order).
    expect(clean.commands).toEqual(['BatchGetCommand', 'BatchGetCommand', 'PutCommand', 'PutCommand', 'PutCommand']);
  });

  const crashPoints = Array.from({ length: clean.calls }, (_, i) => WHEN.map((when) => [i + 1, when, clean.commands[i] ?? ''] as const)).flat();
  it.each(crashPoints)('card …0001, crash at call %i (%s, %s): one capture, CHARGED, one order, advanced once', async (k, when, command) => {
    const noticed = await noticedSubscription(h, shopId);
    const item = chargeItem(noticed.cycle);
    const clock = testClock(item.scheduledTime);
    const faulty = faultyClient(h.db, k, when);
    const crashing = chargeDeps(h, { db: faulty.db, clock });
    const label = `crash ${when} call ${k} (${command})`;
    await expect(processCharge(crashing, item), label).rejects.toBeInstanceOf(SimulatedCrash);

    // SQS redelivers the message after its visibility timeout.
    clock.advance(REDELIVERY_MS);
    const healthy = chargeDeps(h, { clock });
    const again = await processCharge(healthy, item);
    expect(['charged', 'completed', 'nothing-to-do'], label).toContain(again.result);
    await expectChargedOnce(noticed, [...crashing.recorded.events, ...healthy.recorded.events], label);
  });
});

/** Wraps the gateways so that gateway call number `failOn` (charge or look-up, counted across the runs using it) dies before or after the PG saw it. */
function faultyGateways(real: GatewayDirectory<ChargingGateway>, failures: ReadonlyMap<number, When>): GatewayDirectory<ChargingGateway> & { readonly calls: string[] } {
  const calls: string[] = [];
  const around = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
    calls.push(name);
    const when = failures.get(calls.length);
    if (when === 'before') throw new SimulatedCrash(calls.length, when);
    const result = await call();
    if (when === 'after') throw new SimulatedCrash(calls.length, when);
    return result;
  };
  return {
    calls,
    async gatewayFor(shopId, provider) {
      const gateway = await real.gatewayFor(shopId, provider);
      const wrapped: ChargingGateway = {
        ...gateway,
        charge: (request): Promise<ChargeOutcome> => around('charge', () => gateway.charge(request)),
        findChargeByOrderId: (orderId): Promise<LookupOutcome> => around('lookup', () => gateway.findChargeByOrderId(orderId)),
      };
      return wrapped;
    },
  };
}

describe('a crash at every PG call, then the item again', () => {
  // Gateway calls are numbered across the runs: run 1 makes call 1 (charge); a rerun looks up first (call 2) and, when
  // nothing was taken, charges again with the same order id and idempotency key (call 3).
  const cases: Array<[string, Map<number, When>]> = [
    ['the charge dies before the PG sees it', new Map([[1, 'before']])],
    ['the charge dies after the PG captured', new Map([[1, 'after']])],
    ['the charge dies before, then the look-up dies before', new Map<number, When>([[1, 'before'], [2, 'before']])],
    ['the charge dies before, then the look-up dies after', new Map<number, When>([[1, 'before'], [2, 'after']])],
    ['the charge dies before, then the second charge dies after capturing', new Map<number, When>([[1, 'before'], [3, 'after']])],
    ['the charge dies after capturing, then the look-up dies after', new Map<number, When>([[1, 'after'], [2, 'after']])],
  ];

  it.each(cases)('%s: one capture', async (_name, failures) => {
    const noticed = await noticedSubscription(h, shopId);
    const item = chargeItem(noticed.cycle);
    const clock = testClock(item.scheduledTime);
    const gateways = faultyGateways(h.deps.chargingGateways, failures);
    const deps = chargeDeps(h, { clock, gateways });
    let result: string | undefined;
    for (let attempt = 0; attempt < 4 && result === undefined; attempt += 1) {
      try {
        result = (await processCharge(deps, item)).result;
      } catch (error) {
        expect(error).toBeInstanceOf(SimulatedCrash);
        clock.advance(REDELIVERY_MS);
      }
    }
    expect(result).toBe('charged');
    // Looked up before any second charge: never charged blind.
    expect(gateways.calls.slice(1).every((call, i) => call === 'lookup' || gateways.calls[i] === 'lookup')).toBe(true);
    await expectChargedOnce(noticed, deps.recorded.events, gateways.calls.join(','));
  });
});

/** A mailer or event publisher whose `failOn`-th call dies before or after the provider accepted it. */
function faultyMailer(failOn: number, when: When): Mailer & { readonly delivered: Mail[] } {
  const delivered: Mail[] = [];
  let calls = 0;
  return {
    delivered,
    async send(mail) {
      calls += 1;
      if (calls === failOn && when === 'before') throw new SimulatedCrash(calls, when);
      delivered.push(mail);
      if (calls === failOn && when === 'after') throw new SimulatedCrash(calls, when);
      return { messageId: `m-${calls}` };
    },
  };
}

function faultyEvents(failOn: number, when: When): Pick<EventPublisher, 'publish'> & { readonly published: DomainEvent[] } {
  const published: DomainEvent[] = [];
  let calls = 0;
  return {
    published,
    async publish(event) {
      calls += 1;
      if (calls === failOn && when === 'before') throw new SimulatedCrash(calls, when);
      published.push(event);
      if (calls === failOn && when === 'after') throw new SimulatedCrash(calls, when);
    },
  };
}

/** Runs the item, and once more past the lease if it crashed. */
async function runWithRedelivery(deps: ChargeDeps, item: ReturnType<typeof chargeItem>, clock: ReturnType<typeof testClock>): Promise<string> {
  try {
    await processCharge(deps, item);
    throw new Error('expected a crash');
  } catch (error) {
    expect(error).toBeInstanceOf(SimulatedCrash);
  }
  clock.advance(REDELIVERY_MS);
  return (await processCharge(deps, item)).result;
}

describe('a crash at every event and mail call, then the item again', () => {
  it.each(WHEN)('the charged event dies %s it is published: one capture, one order, the event (again) under the same id', async (when) => {
    const noticed = await noticedSubscription(h, shopId);
    const item = chargeItem(noticed.cycle);
    const clock = testClock(item.scheduledTime);
    const events = faultyEvents(1, when);
    const deps = chargeDeps(h, { clock, events });
    expect(await runWithRedelivery(deps, item, clock)).toBe('completed');
    await expectChargedOnce(noticed, events.published, `event ${when}`);
    expect(events.published).toHaveLength(when === 'after' ? 2 : 1);
  });

  it.each(WHEN)('card …0002, the first-failure mail dies %s it is sent: the attempt is not repeated, the mail goes out (at most once more)', async (when) => {
    const noticed = await noticedSubscription(h, shopId, { card: CARDS.declines });
    const item = chargeItem(noticed.cycle);
    const clock = testClock(item.scheduledTime);
    const mailer = faultyMailer(1, when);
    const deps = chargeDeps(h, { clock, mailer });
    expect(await runWithRedelivery(deps, item, clock)).toBe('retry-scheduled');
    expect(await paymentsOnCard(h, noticed)).toBe(1);
    expect(mailer.delivered.map((m) => m.kind)).toEqual(when === 'before' ? ['charge-failed'] : ['charge-failed', 'charge-failed']);
    expect((await h.cycles.get({ subscriptionId: noticed.cycle.subscriptionId, deliveryDate: noticed.cycle.deliveryDate }))).toMatchObject({ status: 'NOTICED', attempts: 1 });

    // The next run retries; no further charge-failed mail.
    clock.set(seoulAt(noticed.cycle.chargeDate, '17:00'));
    expect((await processCharge(deps, chargeItem(noticed.cycle, '17:00'))).result).toBe('retry-scheduled');
    expect(mailer.delivered.filter((m) => m.kind === 'charge-failed')).toHaveLength(when === 'before' ? 1 : 2);
    expect(await paymentsOnCard(h, noticed)).toBe(2);
  });

  /** A declined cycle waiting for its last attempt (D+2 17:00 with the default runs), as seven runs leave it. */
  async function atLastAttempt(): Promise<{ noticed: Noticed; last: ReturnType<typeof chargeItem> }> {
    const noticed = await noticedSubscription(h, shopId, { card: CARDS.declines });
    const { cycle } = noticed;
    const lastDate = addDays(cycle.chargeDate, 3);
    const waiting: Cycle = {
      ...cycle,
      attempts: 7,
      lastFailure: { code: 'REJECT_CARD_PAYMENT', message: 'declined', at: `${addDays(cycle.chargeDate, 3)}T10:00:05+09:00`, attempt: 7 },
      nextAttemptAt: seoulAt(lastDate, '17:00'),
    };
    expect(await h.cycles.write(waiting, { status: 'NOTICED' })).toBe(true);
    return { noticed, last: chargeItem(cycle, '17:00', lastDate) };
  }

  for (const [call, kind] of [[1, 'charge-failed-final'], [2, 'charge-failed-operator']] as const) {
    it.each(WHEN)(`the last attempt's ${kind} mail dies %s it is sent: FAILED, each mail out (at most once more), advanced once`, async (when) => {
      const { noticed, last } = await atLastAttempt();
      const clock = testClock(last.scheduledTime);
      const mailer = faultyMailer(call, when);
      const deps = chargeDeps(h, { clock, mailer });
      // The redelivery takes the dead attempt over, looks it up (declined), and finishes the failure.
      expect(await runWithRedelivery(deps, last, clock)).toBe('failed');

      const final = (await h.cycles.get({ subscriptionId: noticed.cycle.subscriptionId, deliveryDate: noticed.cycle.deliveryDate }))!;
      expect(final).toMatchObject({ status: 'FAILED', attempts: 8 });
      expect(await paymentsOnCard(h, noticed)).toBe(1);
      const kinds = mailer.delivered.map((m) => m.kind);
      expect(kinds.filter((k) => k === 'charge-failed-final')).toHaveLength(kind === 'charge-failed-final' && when === 'after' ? 2 : 1);
      expect(kinds.filter((k) => k === 'charge-failed-operator')).toHaveLength(kind === 'charge-failed-operator' && when === 'after' ? 2 : 1);
      expect((await h.subscriptions.get(noticed.subscription.id))!.nextDeliveryDate).toBe(addDays(noticed.cycle.deliveryDate, 14));
    });
  }
});

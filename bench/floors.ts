/**
 * The fair floors (issue 12): for the same items, only the writes the design
 * needs plus the same external calls the run makes — SES and SNS for the
 * notice; the PG's charge and PutEvents for the charge — through the same
 * adapters over the same local endpoints, with the same parallelism as the
 * pipeline, and nothing else: no dispatch, no queue, no reads, no credits, no
 * guards, no retries. The pipeline's time over its floor is what everything
 * the floor leaves out costs.
 *
 * - notice, per message of one shop's items (as the dispatcher groups them;
 *   batchSize messages an invocation, one after another, maxConcurrency
 *   invocations side by side, a message's items ten at a time): per item
 *   the cycle locked (its planned SCHEDULED copy overwritten NOTICING,
 *   conditional on SCHEDULED, as the run's lock overwrites the plan), the next delivery planned
 *   (conditional), mail and SMS sent; then the message's noticed events
 *   together, ten per PutEvents, as the run publishes them; then per item the
 *   cycle NOTICED (conditional on NOTICING) — three writes, two sends and a
 *   share of a PutEvents;
 * - charge, per item: the claim (CHARGING, conditional), the PG's charge with
 *   a fresh order id, the subscription's advance (conditional on its version),
 *   the charged event (the run's own event, built per item as the run builds
 *   it, as the notice floor's noticed events are), the cycle CHARGED
 *   (conditional on CHARGING) — three writes, a PG call and an event.
 * Each floor's time, like each run's, ends when the local queues are drained:
 * the webhook fan-out of their events runs in the same process.
 * The floors write copies of the real items — the same attributes, sizes and
 * index attributes (due, orders, the subscription's list indexes), so each
 * write costs DynamoDB what the run's does — under their own keys (`BENCH#`
 * before every partition key), so they never touch what the runs wrote.
 */
import { performance } from 'node:perf_hooks';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS, WORK_MESSAGE_ITEMS } from '../system/functions.ts';
import type { LocalSystem } from '../local/system.ts';
import { inLanes, type Progress, type Seeded } from './daily-runs.ts';

export interface FloorFigures {
  readonly lanes: number;
  readonly ms: number;
  readonly itemsPerSecond: number;
  readonly what: string;
}

async function tools(system: LocalSystem) {
  const { createDocumentClient } = await import('../functions/adapters/dynamodb/client.ts');
  const { mailer } = await import('../functions/wiring/mailer.ts');
  const { sms } = await import('../functions/wiring/sms.ts');
  const { events } = await import('../functions/wiring/events.ts');
  const { gateways } = await import('../functions/wiring/charging-gateways.ts');
  const { deps } = await import('../functions/wiring.ts');
  const db = createDocumentClient();
  const tableName = system.info.tableName!;
  const names = (condition: string) => {
    const used = Object.entries({ '#status': 'status', '#v': 'version' }).filter(([name]) => condition.includes(name));
    return used.length > 0 ? Object.fromEntries(used) : undefined;
  };
  const put = (item: Record<string, unknown>, condition: string, values?: Record<string, unknown>) =>
    db.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: condition, ExpressionAttributeNames: names(condition), ExpressionAttributeValues: values }));
  /** A stored item as it is, index attributes included (untimed preparation). */
  const raw = async (key: { pk: string; sk: string }) => (await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item as Item;
  return { deps, mailer, sms, events, gateways, put, raw };
}

type Item = Record<string, unknown>;

const PARTITION_KEYS = ['pk', 'duepk', 'gsi1pk', 'gsi2pk', 'gsi3pk', 'gsi4pk', 'gsi5pk'];

/** The item under a floor's own partitions: `BENCH#{floor}#` before its key and every index partition key it has. */
function benchCopy(item: Item, floor: 'NOTICE' | 'CHARGE'): Item {
  return Object.fromEntries(Object.entries(item).map(([name, value]) => [name, PARTITION_KEYS.includes(name) ? `BENCH#${floor}#${String(value)}` : value]));
}

/** Drops attributes (an item at an earlier state than the one read). */
function without(item: Item, names: readonly string[]): Item {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !names.includes(name)));
}

/** What the lock adds to a planned cycle. */
const LOCK_ATTRIBUTES = ['notice', 'orderName', 'followingDeliveryDate', 'followingNominalDate', 'deliveryNumber', 'finalDelivery'];

const CHARGE_ATTRIBUTES = ['orderId', 'idempotencyKey', 'attempts', 'provider', 'chargingSince', 'nextAttemptAt', 'paymentKey', 'approvedAt', 'chargedAt', 'shippingAddress', 'gsi1pk', 'gsi1sk', 'duepk', 'duesk'];

export async function noticeFloor(system: LocalSystem, seeded: Seeded, progress: Progress): Promise<FloorFigures> {
  const { NOTICE_ITEMS_IN_PARALLEL } = await import('../functions/use-cases/runs/notice.ts');
  const { cycleEvents } = await import('../functions/use-cases/cycle-events.ts');
  const { paymentNoticeMail, paymentNoticeSms } = await import('../functions/notifications/payment-notice.ts');
  const { keys, dueIndexKeys } = await import('../functions/adapters/dynamodb/keys.ts');
  const { deps, put, raw, mailer, sms, events } = await tools(system);
  const lanes = FUNCTIONS.noticeWorker.queue.maxConcurrency;
  // Not timed: each item's cycle as the notice left it (without what the charge added since), its next plan and its
  // event; and its planned cycle (SCHEDULED, in the notice index) written, for the lock to overwrite as the run's does.
  const prepared = await Promise.all(
    seeded.ids.map(async (id) => {
      const cycle = without(await raw(keys.cycle(id, seeded.delivery)), CHARGE_ATTRIBUTES);
      const following = await raw(keys.cycle(id, String(cycle.followingDeliveryDate)));
      const { shopId, noticeDate, chargeDate } = cycle as { shopId: string; noticeDate: string; chargeDate: string };
      const stored = (await deps.cycles.get({ subscriptionId: id, deliveryDate: seeded.delivery }))!;
      const planned = { ...without(cycle, LOCK_ATTRIBUTES), status: 'SCHEDULED', amount: 0, items: [], ...dueIndexKeys('NOTICE', noticeDate, shopId, id) };
      await put(benchCopy(planned, 'NOTICE'), 'attribute_not_exists(pk)');
      return {
        shopId,
        noticing: benchCopy({ ...cycle, status: 'NOTICING', ...dueIndexKeys('NOTICE', noticeDate, shopId, id) }, 'NOTICE'),
        noticed: benchCopy({ ...cycle, status: 'NOTICED', ...dueIndexKeys('CHARGE', chargeDate, shopId, id) }, 'NOTICE'),
        following: benchCopy(following, 'NOTICE'),
        event: cycleEvents.noticed({ ...stored, status: 'NOTICED' }),
      };
    }),
  );
  // The messages the dispatcher makes: one shop's items, WORK_MESSAGE_ITEMS at most.
  const byShop = new Map<string, typeof prepared>();
  for (const item of prepared) byShop.set(item.shopId, [...(byShop.get(item.shopId) ?? []), item]);
  const messages = [...byShop.values()].flatMap((items) => Array.from({ length: Math.ceil(items.length / WORK_MESSAGE_ITEMS) }, (_, m) => items.slice(m * WORK_MESSAGE_ITEMS, (m + 1) * WORK_MESSAGE_ITEMS)));
  const content = { shopName: 'Bench Shop', deliveryDate: seeded.delivery, chargeDate: seeded.delivery, amount: 68_000, lines: [{ name: 'Beans 1kg', quantity: 2, unitPrice: 25_000 }, { name: 'Drip bags 30', quantity: 1, unitPrice: 18_000 }], paymentMethod: 'card' as const };
  // An invocation takes batchSize messages, one after another (Powertools batch, not in parallel).
  const { batchSize } = FUNCTIONS.noticeWorker.queue;
  const invocations = Array.from({ length: Math.ceil(messages.length / batchSize) }, (_, i) => messages.slice(i * batchSize, (i + 1) * batchSize));
  progress(`  notice floor: ${seeded.ids.length.toLocaleString('en-US')} items in ${messages.length} messages, ${batchSize} a worker, ${lanes} workers at once, ${NOTICE_ITEMS_IN_PARALLEL} items of a message side by side`);
  const start = performance.now();
  const perMessage = async (items: typeof prepared, m: number) => {
    await inLanes(items, NOTICE_ITEMS_IN_PARALLEL, async ({ noticing, following }, i) => {
      await put(noticing, '#status = :s', { ':s': 'SCHEDULED' });
      await put(following, 'attribute_not_exists(pk)');
      // Rendered per item, as the run renders each buyer's notice.
      await mailer.send({ to: `floor-${m}-${i}@bench.example`, ...paymentNoticeMail(content), kind: 'payment-notice' });
      await sms.send({ to: '010-1234-5678', text: paymentNoticeSms(content), kind: 'payment-notice' });
    });
    const published = await events.publishEach(items.map((item) => item.event));
    if (published.some((result) => result.status === 'rejected')) throw new Error('The floor’s events were refused');
    await inLanes(items, NOTICE_ITEMS_IN_PARALLEL, async ({ noticed }) => {
      await put(noticed, '#status = :s', { ':s': 'NOTICING' });
    });
  };
  await inLanes(invocations, lanes, async (batch, b) => {
    for (const [i, items] of batch.entries()) await perMessage(items, b * batchSize + i);
  });
  // What the events set going locally (the webhook fan-out), as the run's time includes it.
  await system.queues.drain();
  const ms = performance.now() - start;
  return { lanes, ms, itemsPerSecond: seeded.ids.length / (ms / 1000), what: 'PutItem ×3 + SES SendEmail + SNS Publish + a message’s events, ten per PutEvents' };
}

export async function chargeFloor(system: LocalSystem, seeded: Seeded, progress: Progress): Promise<FloorFigures> {
  const { CHARGE_ITEMS_IN_PARALLEL } = await import('../functions/use-cases/runs/charge.ts');
  const { customerKeyFor } = await import('../functions/use-cases/storefront-deps.ts');
  const { cycleEvents } = await import('../functions/use-cases/cycle-events.ts');
  const { keys, dueIndexKeys } = await import('../functions/adapters/dynamodb/keys.ts');
  const { deps, put, raw, events, gateways } = await tools(system);
  const lanes = FUNCTIONS.chargeWorker.queue.maxConcurrency * CHARGE_ITEMS_IN_PARALLEL;
  // Not timed: the items as the run wrote them (a copy of each under BENCH# keys), and each buyer's billing key.
  const prepared = await Promise.all(
    seeded.ids.map(async (id) => {
      const subscription = (await deps.subscriptions.get(id))!;
      const key = (await deps.billingKeys.get(subscription.shopId, subscription.customerId, 'card'))!;
      const charged = await raw(keys.cycle(id, seeded.delivery));
      const { chargeDate } = charged as { chargeDate: string };
      const noticed = benchCopy({ ...without(charged, CHARGE_ATTRIBUTES), status: 'NOTICED', ...dueIndexKeys('CHARGE', chargeDate, subscription.shopId, id) }, 'CHARGE');
      const stored = await raw(keys.subscription(id));
      await put(noticed, 'attribute_not_exists(pk)');
      await put(benchCopy(stored, 'CHARGE'), 'attribute_not_exists(pk)');
      // The shop's own contract, as the worker resolves it (cached per shop, as in the worker).
      const gateway = await gateways.gatewayFor(subscription.shopId, 'tosspayments');
      // The charged cycle as the run wrote it: its event is built per item with the floor's order id (the run's builder).
      const cycle = (await deps.cycles.get({ subscriptionId: id, deliveryDate: seeded.delivery }))!;
      return { id, subscription, billingKey: key.billingKey, noticed, charged: benchCopy(charged, 'CHARGE'), stored: benchCopy(stored, 'CHARGE'), gateway, cycle };
    }),
  );
  progress(`  charge floor: ${prepared.length.toLocaleString('en-US')} items, ${lanes} at once`);
  const start = performance.now();
  await inLanes(prepared, lanes, async ({ id, subscription, billingKey, noticed, charged, stored, gateway, cycle }) => {
    const orderId = `floor-${id}`.slice(0, 64);
    const amount = Number(noticed.amount);
    await put({ ...noticed, status: 'CHARGING', orderId, attempts: 1 }, '#status = :s', { ':s': 'NOTICED' });
    const outcome = await gateway.charge({ billingKey, customerKey: customerKeyFor(subscription.shopId, subscription.customerId), amount, orderId, orderName: String(noticed.orderName), idempotencyKey: `floor:${id}` });
    if (outcome.status !== 'PAID') throw new Error(`The floor's charge was not paid: ${outcome.status}`);
    await put({ ...stored, version: Number(stored.version) + 1 }, '#v = :v', { ':v': Number(stored.version) });
    await events.publish(cycleEvents.charged({ ...cycle, orderId, paymentKey: outcome.paymentKey }));
    await put({ ...charged, orderId, paymentKey: outcome.paymentKey }, '#status = :s', { ':s': 'CHARGING' });
  });
  await system.queues.drain();
  const ms = performance.now() - start;
  return { lanes, ms, itemsPerSecond: prepared.length / (ms / 1000), what: 'PutItem ×3 + PG charge + PutEvents' };
}

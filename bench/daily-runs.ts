/**
 * The daily runs at scale, on one machine: N due ACTIVE subscriptions on one
 * delivery date across a few shops, then the notice run and the charge run end
 * to end through the production code path — dispatcher (EventBridge
 * Scheduler's event) → local SQS → workers (SQS events, MaximumConcurrency,
 * partial-batch retries) → embedded DynamoDB, SES, SNS, EventBridge and the
 * sandbox PG over HTTP — until the queues are drained.
 *
 * For each run it prints items/second, DynamoDB requests per item (counted at
 * the SDK client the handlers use, per operation), and the ratio to a bare
 * loop, in the same process on the same engine, that only does the minimal
 * writes the run must make for the same items (notice: put the cycle, update
 * the subscription; charge: update the cycle, put the order, update the
 * subscription), at the worker's MaximumConcurrency. The ratio says what the
 * pipeline — reads, guards, credits, notification log, messaging, the PG,
 * queueing — costs over the writes themselves.
 *
 * Seeding writes subscriptions directly through the repository (no signup
 * flow), with billing keys issued by the sandbox PG's server API through the
 * production gateway adapter, so the charge run charges real sandbox keys.
 */
import { SAMPLE_CONTRACTS } from '../local/sample-contracts.ts';
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FUNCTIONS } from '../system/functions.ts';
import { addDays, seoulDate, seoulInstant, seoulTimestamp } from '../functions/core/dates.ts';
import { startLocalSystem, type LocalSystem } from '../local/system.ts';
import type { QueueStats } from '../local/queues.ts';

export interface BenchmarkOptions {
  readonly n: number;
  readonly shops: number;
}

type Counts = Record<string, number>;
type Item = Record<string, unknown>;

interface RunMeasurement {
  readonly name: 'noticeRun' | 'chargeRun';
  readonly scheduledTime: string;
  readonly report: { due: number; messages: number };
  readonly dispatchMs: number;
  readonly totalMs: number;
  readonly requests: Counts;
  readonly queue: { delivered: number; deleted: number; deadLettered: number; invocations: number };
}

/** Runs `work` over `items` with `lanes` loops side by side, each taking the next item when done. */
async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(lanes, items.length) }, async () => {
      while (next < items.length) {
        const index = next;
        next += 1;
        await work(items[index]!, index);
      }
    }),
  );
}

/** `inLanes`, collecting each item's result in order. */
async function mapInLanes<T, R>(items: readonly T[], lanes: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  await inLanes(items, lanes, async (item, index) => {
    results[index] = await work(item);
  });
  return results;
}

const diff = (after: Counts, before: Counts): Counts =>
  Object.fromEntries(Object.entries(after).map(([op, count]) => [op, count - (before[op] ?? 0)]).filter(([, count]) => (count as number) > 0));
const total = (counts: Counts) => Object.values(counts).reduce((sum, count) => sum + count, 0);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const rate = (items: number, ms: number) => `${Math.round(items / (ms / 1000)).toLocaleString('en-US')} items/s`;

function queueStats(system: LocalSystem, worker: string): QueueStats {
  const stats = system.queues.stats().queues.find((queue) => queue.name === worker);
  if (!stats) throw new Error(`No local queue for ${worker}`);
  return stats;
}

async function call(system: LocalSystem, method: string, path: string, token: string | undefined, body?: unknown): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${system.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status >= 300) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return text ? (JSON.parse(text) as Record<string, unknown>) : undefined;
}

/**
 * Active shops on the sandbox card PG, with two subscribable products and
 * credits for every notice twice over: the notice worker reserves a block per
 * (message, shop) sized to the whole message, so concurrent workers hold more
 * than they spend until they release (with exactly enough, some SMS are refused).
 */
async function seedShops(system: LocalSystem, count: number, perShop: number): Promise<string[]> {
  const token = async (role: string, shop: string) => (await call(system, 'POST', '/_local/token', undefined, { role, shop, sub: 'bench' }))?.token as string;
  const platform = await token('platform', 'platform');
  const shopIds: string[] = [];
  for (let s = 1; s <= count; s += 1) {
    const shopId = `bench-shop-${s}`;
    await call(system, 'POST', '/platform/shops', platform, { shopId, name: `Bench Shop ${s}`, operatorEmail: `ops@bench-shop-${s}.example`, productManagement: 'new' });
    const admin = await token('admin', shopId);
    await call(system, 'PUT', `/platform/shops/${shopId}/pg-contracts/tosspayments`, platform, SAMPLE_CONTRACTS.tosspayments);
    await call(system, 'POST', '/admin/service/application', admin, {});
    await call(system, 'POST', `/platform/shops/${shopId}/review`, platform, { decision: 'approved' });
    await call(system, 'PUT', '/admin/products/beans', admin, { name: 'Beans 1kg', price: 25_000, subscription: { enabled: true, cycles: ['2w', '1m'] }, onePlusNEvent: false });
    await call(system, 'PUT', '/admin/products/drip', admin, { name: 'Drip bags 30', price: 18_000, subscription: { enabled: true, cycles: ['2w', '1m'] }, onePlusNEvent: false });
    await call(system, 'POST', `/platform/shops/${shopId}/credits`, platform, { sms: 2 * perShop + 1_000, bulkMail: 2 * perShop + 1_000, reference: `bench-${shopId}` });
    shopIds.push(shopId);
  }
  return shopIds;
}

export async function runBenchmark({ n, shops }: BenchmarkOptions): Promise<void> {
  const began = performance.now();
  const system = await startLocalSystem({ port: 0, data: 'memory', seed: false, tick: false, env: { LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'SILENT' } });
  try {
    // The runtime sees the local environment only now (startLocalSystem set it).
    const { deps } = await import('../functions/wiring.ts');
    const { dynamoRequestCounts } = await import('../functions/adapters/dynamodb/client.ts');
    const { keys } = await import('../functions/adapters/dynamodb/keys.ts');
    const { customerKeyFor } = await import('../functions/use-cases/storefront-deps.ts');
    const { scheduleFor } = await import('../functions/domain/subscription.ts');
    const { newId } = await import('../functions/core/ids.ts');

    console.log(`Daily runs benchmark: ${n.toLocaleString('en-US')} due subscriptions across ${shops} shops`);
    console.log(`  node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model.trim() ?? 'unknown'}); embedded DynamoDB (dynalite, in memory), local SES/SNS/SQS/EventBridge, sandbox PG`);

    // --- Seed -----------------------------------------------------------------------------------------------
    const seedStart = performance.now();
    const today = seoulDate(system.clock.now());
    const delivery = addDays(today, 7);
    const shopIds = await seedShops(system, shops, Math.ceil(n / shops));

    const subscriptionIds: string[] = [];
    await inLanes(
      Array.from({ length: n }, (_, i) => i),
      32,
      async (i) => {
        const shopId = shopIds[i % shopIds.length]!;
        const customerId = `bench-buyer-${i}`;
        const id = newId(system.clock);
        const customerKey = customerKeyFor(shopId, customerId);
        // The buyer's side (the PG's card window), then the server API through the production adapter.
        const { authKey } = system.sandboxPg.authorize({ subscriptionId: id, cardNumber: '9410-0000-0000-0001' });
        const issued = await (await deps.gateways.gatewayFor(shopId, 'tosspayments')).issueBillingKey({ authKey, customerKey });
        const at = seoulTimestamp(system.clock.now());
        await deps.billingKeys.put({ shopId, customerId, method: 'card', provider: 'tosspayments', customerKey, billingKey: issued.billingKey, card: issued.card, registeredAt: at }, null);
        await deps.subscriptions.create({
          id,
          shopId,
          customerId,
          status: 'ACTIVE',
          items: i % 2 === 0 ? [{ productId: 'beans', quantity: 1, status: 'ACTIVE' }] : [{ productId: 'beans', quantity: 2, status: 'ACTIVE' }, { productId: 'drip', quantity: 1, status: 'ACTIVE' }],
          cycle: '1m',
          startDate: delivery,
          paymentMethod: 'card',
          ...scheduleFor(delivery),
          card: { issuer: issued.card.issuer, last4: issued.card.last4 },
          contact: { email: `buyer-${i}@bench.example`, phone: `010-${String(1000 + (i % 9000)).padStart(4, '0')}-${String(i % 10_000).padStart(4, '0')}` },
          shippingAddress: { recipient: '김벤치', phone: '010-1234-5678', postalCode: '04524', address1: '서울특별시 중구 세종대로 110' },
          createdAt: at,
          updatedAt: at,
        });
        subscriptionIds.push(id);
      },
    );
    console.log(`  seeded in ${seconds(performance.now() - seedStart)} (delivery ${delivery}: notice run ${addDays(delivery, -2)} 08:00, charge run ${addDays(delivery, -1)} 10:00 Seoul)`);

    // --- The runs, end to end ---------------------------------------------------------------------------------
    const runEndToEnd = async (name: RunMeasurement['name'], worker: 'noticeWorker' | 'chargeWorker', at: Date): Promise<RunMeasurement> => {
      system.clock.moveTo(at);
      const scheduledTime = seoulTimestamp(at);
      const queueBefore = queueStats(system, worker);
      const countsBefore = dynamoRequestCounts();
      const start = performance.now();
      // What the local scheduler does at a run time: invoke the dispatcher, then drain the queues.
      const report = (await system.invoke(name, { scheduledTime })) as RunMeasurement['report'];
      const dispatchMs = performance.now() - start;
      await system.queues.drain();
      const totalMs = performance.now() - start;
      const requests = diff(dynamoRequestCounts(), countsBefore);
      const queueAfter = queueStats(system, worker);
      return {
        name,
        scheduledTime,
        report,
        dispatchMs,
        totalMs,
        requests,
        queue: {
          delivered: queueAfter.delivered - queueBefore.delivered,
          deleted: queueAfter.deleted - queueBefore.deleted,
          deadLettered: queueAfter.deadLettered - queueBefore.deadLettered,
          invocations: (queueAfter.consumer?.invocations ?? 0) - (queueBefore.consumer?.invocations ?? 0),
        },
      };
    };

    // --- The bare loop: the minimal writes for the same items, same engine, same parallelism, no pipeline ----
    const bare = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
    const tableName = system.info.tableName!;
    const read = async (key: { pk: string; sk: string }) => (await bare.send(new GetCommand({ TableName: tableName, Key: key }))).Item;
    /** A copy under its own keys; index values prefixed so they land in index partitions of their own (same write cost). */
    const copy = (item: Item | undefined, fallback: Item): Item => {
      const source = item ?? fallback;
      return Object.fromEntries(Object.entries(source).map(([name, value]) => [name, /^(pk|gsi\d+pk|gsi\d+sk|duepk|duesk)$/.test(name) ? `BENCH#${String(value)}` : value]));
    };
    const minimalNoticeWrites = async (lanes: number) => {
      const prepared = await mapInLanes(subscriptionIds, 32, async (id) => ({
        subscription: copy(await read(keys.subscription(id)), { ...keys.subscription(id) }),
        cycle: copy(await read(keys.cycle(id, delivery)), { ...keys.cycle(id, delivery), status: 'NOTICED', amount: 25_000 }),
      }));
      await inLanes(prepared, 32, async ({ subscription }) => {
        await bare.send(new PutCommand({ TableName: tableName, Item: { ...subscription, version: 1 } }));
      });
      const start = performance.now();
      await inLanes(prepared, lanes, async ({ subscription, cycle }) => {
        await bare.send(new PutCommand({ TableName: tableName, Item: { ...cycle, status: 'NOTICED' }, ConditionExpression: 'attribute_not_exists(pk)' }));
        await bare.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: subscription.pk, sk: subscription.sk },
            UpdateExpression: 'SET noticedDeliveryDate = :d, version = version + :one REMOVE duepk, duesk',
            ConditionExpression: 'version = :v',
            ExpressionAttributeValues: { ':d': delivery, ':one': 1, ':v': 1 },
          }),
        );
      });
      return performance.now() - start;
    };
    const minimalChargeWrites = async (lanes: number) => {
      const prepared = await mapInLanes(subscriptionIds, 32, async (id) => ({
        subscription: { pk: `BENCH#${keys.subscription(id).pk}`, sk: keys.subscription(id).sk },
        cycle: { pk: `BENCH#${keys.cycle(id, delivery).pk}`, sk: keys.cycle(id, delivery).sk },
        order: copy(await read(keys.order(id, delivery)), { ...keys.order(id, delivery), amount: 25_000, status: 'PAID' }),
      }));
      const start = performance.now();
      await inLanes(prepared, lanes, async ({ subscription, cycle, order }) => {
        await bare.send(
          new UpdateCommand({
            TableName: tableName,
            Key: cycle,
            UpdateExpression: 'SET #status = :charged, chargedAt = :at REMOVE duepk, duesk',
            ConditionExpression: '#status = :noticed',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':charged': 'CHARGED', ':noticed': 'NOTICED', ':at': seoulTimestamp(system.clock.now()) },
          }),
        );
        await bare.send(new PutCommand({ TableName: tableName, Item: order, ConditionExpression: 'attribute_not_exists(pk)' }));
        await bare.send(
          new UpdateCommand({
            TableName: tableName,
            Key: subscription,
            UpdateExpression: 'SET nextDeliveryDate = :next, nextNoticeDate = :notice, nextChargeDate = :charge, version = version + :one',
            ConditionExpression: 'nextDeliveryDate = :current',
            ExpressionAttributeValues: { ':next': addDays(delivery, 30), ':notice': addDays(delivery, 28), ':charge': addDays(delivery, 29), ':current': delivery, ':one': 1 },
          }),
        );
      });
      return performance.now() - start;
    };

    const countDue = async (kind: 'NOTICE' | 'CHARGE', date: string) => {
      let count = 0;
      for await (const _key of deps.dueWork.findDue(kind, date)) count += 1;
      return count;
    };
    const outboxSince = (from: number) => system.outbox.list().slice(from);

    const print = (measurement: RunMeasurement, bareMs: number, bareWrites: string, lanes: number, outcome: string[]) => {
      const requests = total(measurement.requests);
      console.log(`\n${measurement.name} at ${measurement.scheduledTime}`);
      console.log(`  due ${measurement.report.due.toLocaleString('en-US')}, ${measurement.report.messages} messages; dispatcher returned after ${seconds(measurement.dispatchMs)}`);
      console.log(`  end to end (dispatch → queue → workers, drained): ${seconds(measurement.totalMs)}  →  ${rate(n, measurement.totalMs)}`);
      console.log(
        `  worker invocations ${measurement.queue.invocations}, messages delivered ${measurement.queue.delivered}, done ${measurement.queue.deleted}, to DLQ ${measurement.queue.deadLettered}`,
      );
      console.log(`  DynamoDB requests: ${requests.toLocaleString('en-US')} = ${(requests / n).toFixed(2)} per item`);
      console.log(`    ${Object.entries(measurement.requests).sort(([, a], [, b]) => b - a).map(([op, count]) => `${op} ${(count / n).toFixed(count / n < 0.1 ? 4 : 2)}`).join(', ')} (per item)`);
      for (const line of outcome) console.log(`  ${line}`);
      console.log(`  bare loop (${bareWrites}; ${lanes} lanes): ${seconds(bareMs)}  →  ${rate(n, bareMs)}`);
      console.log(`  pipeline / bare loop: ${(measurement.totalMs / bareMs).toFixed(1)}×`);
    };

    const noticeOutboxFrom = system.outbox.list().length;
    const notice = await runEndToEnd('noticeRun', 'noticeWorker', seoulInstant(addDays(delivery, -2), 8, 0));
    const noticeSent = outboxSince(noticeOutboxFrom);
    const noticeOutcome = [
      `outcome: due NOTICE left ${await countDue('NOTICE', addDays(delivery, -2))}, due CHARGE now ${await countDue('CHARGE', addDays(delivery, -1))}; ` +
        `sent ${noticeSent.filter((m) => m.channel === 'mail' && m.kind === 'payment-notice').length} notice mails, ${noticeSent.filter((m) => m.channel === 'sms').length} SMS, ${noticeSent.filter((m) => m.kind !== 'payment-notice').length} other`,
    ];
    const noticeLanes = FUNCTIONS.noticeWorker.queue.maxConcurrency;
    print(notice, await minimalNoticeWrites(noticeLanes), 'PutItem cycle + UpdateItem subscription', noticeLanes, noticeOutcome);

    const chargeOutboxFrom = system.outbox.list().length;
    const charge = await runEndToEnd('chargeRun', 'chargeWorker', seoulInstant(addDays(delivery, -1), 10, 0));
    const chargeSent = outboxSince(chargeOutboxFrom);
    const chargeOutcome = [
      `outcome: due CHARGE left ${await countDue('CHARGE', addDays(delivery, -1))}; ${chargeSent.filter((m) => m.channel === 'event').length} events, ${chargeSent.filter((m) => m.channel === 'mail').length} mails`,
    ];
    const chargeLanes = FUNCTIONS.chargeWorker.queue.maxConcurrency;
    print(charge, await minimalChargeWrites(chargeLanes), 'UpdateItem cycle + PutItem order + UpdateItem subscription', chargeLanes, chargeOutcome);

    console.log(`\nTotal ${seconds(performance.now() - began)}. Timings are one process on this machine (handlers, workers, dynalite and the HTTP endpoints share its CPU);`);
    console.log('compare ratios and requests per item, not absolute rates, with AWS.');
  } finally {
    await system.stop();
  }
}

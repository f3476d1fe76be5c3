/**
 * The daily runs at scale, on one machine: N subscriptions due on one
 * delivery date across a few shops, then the notice run and the charge run end
 * to end through the production code path — dispatcher (EventBridge
 * Scheduler's event) → local SQS → workers (SQS events, MaximumConcurrency,
 * Powertools batch) → embedded DynamoDB, SES, SNS, EventBridge and the sandbox
 * PG over HTTP — until the queues are drained. For each run: items/second,
 * DynamoDB requests per item (counted at the SDK client the handlers use, per
 * operation; a BatchGetItem or BatchWriteItem is one request) and the ratio to
 * its fair floor (bench/floors.ts).
 *
 * Seeding writes subscriptions and their planned cycles through the
 * repositories (no signup flow), with billing keys issued by the sandbox PG's
 * server API through the production gateway adapter.
 */
import { performance } from 'node:perf_hooks';
import { FUNCTIONS } from '../system/functions.ts';
import { addDays, seoulInstant, seoulTimestamp } from '../functions/core/dates.ts';
import { SAMPLE_CONTRACTS } from '../local/sample-contracts.ts';
import type { LocalSystem } from '../local/system.ts';

export type Counts = Record<string, number>;
export type Progress = (line: string) => void;

export interface RunFigures {
  readonly name: 'noticeRun' | 'chargeRun';
  readonly scheduledTime: string;
  readonly due: number;
  readonly messages: number;
  readonly ms: number;
  readonly itemsPerSecond: number;
  readonly requests: Counts;
  readonly requestsPerItem: number;
  readonly queue: { delivered: number; deleted: number; deadLettered: number; invocations: number };
  readonly outcome: string;
}

/** Runs `work` over `items` with `lanes` loops side by side, each taking the next item when done. */
export async function inLanes<T>(items: readonly T[], lanes: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
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

export const diff = (after: Counts, before: Counts): Counts =>
  Object.fromEntries(Object.entries(after).map(([op, count]) => [op, count - (before[op] ?? 0)]).filter(([, count]) => (count as number) > 0));
export const total = (counts: Counts) => Object.values(counts).reduce((sum, count) => sum + count, 0);

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

/** Active shops on the sandbox card PG, with two subscribable products and more SMS credits than their notices need. */
export async function seedShops(system: LocalSystem, count: number, perShop: number, prefix = 'bench-shop'): Promise<string[]> {
  const token = async (role: string, shop: string) => (await call(system, 'POST', '/_local/token', undefined, { role, shop, sub: 'bench' }))?.token as string;
  const platform = await token('platform', 'platform');
  const shopIds: string[] = [];
  for (let s = 1; s <= count; s += 1) {
    const shopId = `${prefix}-${s}`;
    await call(system, 'POST', '/platform/shops', platform, { shopId, name: `Bench Shop ${s}`, operatorEmail: `ops@${shopId}.example`, productManagement: 'new' });
    const admin = await token('admin', shopId);
    await call(system, 'PUT', `/platform/shops/${shopId}/pg-contracts/tosspayments`, platform, SAMPLE_CONTRACTS.tosspayments);
    await call(system, 'POST', '/admin/service/application', admin, {});
    await call(system, 'POST', `/platform/shops/${shopId}/review`, platform, { decision: 'approved' });
    await call(system, 'PUT', '/admin/products/beans', admin, { name: 'Beans 1kg', price: 25_000, subscription: { enabled: true, cycles: ['2w', '1m'] }, onePlusNEvent: false });
    await call(system, 'PUT', '/admin/products/drip', admin, { name: 'Drip bags 30', price: 18_000, subscription: { enabled: true, cycles: ['2w', '1m'] }, onePlusNEvent: false });
    await call(system, 'POST', `/platform/shops/${shopId}/credits`, platform, { sms: 2 * perShop + 1_000, bulkMail: 1_000, reference: `${shopId}-credits` });
    shopIds.push(shopId);
  }
  return shopIds;
}

export interface Seeded {
  readonly ids: string[];
  readonly delivery: string;
}

/** `n` ACTIVE subscriptions across the shops, each with a sandbox billing key and its delivery planned on `delivery`. */
export async function seedSubscriptions(system: LocalSystem, shopIds: readonly string[], n: number, delivery: string, progress: Progress, tag = 'bench'): Promise<Seeded> {
  const { deps } = await import('../functions/wiring.ts');
  const { gateways } = await import('../functions/wiring/gateways.ts');
  const { customerKeyFor } = await import('../functions/use-cases/storefront-deps.ts');
  const { scheduleFor } = await import('../functions/domain/subscription.ts');
  const { scheduledCycle } = await import('../functions/domain/cycle.ts');
  const { newId } = await import('../functions/core/ids.ts');
  const ids: string[] = [];
  let done = 0;
  await inLanes(
    Array.from({ length: n }, (_, i) => i),
    32,
    async (i) => {
      const shopId = shopIds[i % shopIds.length]!;
      const customerId = `${tag}-buyer-${i}`;
      const id = newId(system.clock);
      const customerKey = customerKeyFor(shopId, customerId);
      // The buyer's side (the PG's card window), then the server API through the production adapter.
      const { authKey } = system.sandboxPg.authorize({ subscriptionId: id, cardNumber: '9410-0000-0000-0001' });
      const issued = await (await gateways.gatewayFor(shopId, 'tosspayments')).issueBillingKey({ authKey, customerKey });
      const at = seoulTimestamp(system.clock.now());
      await deps.billingKeys.put({ shopId, customerId, method: 'card', provider: 'tosspayments', customerKey, billingKey: issued.billingKey, card: issued.card, registeredAt: at }, null);
      const subscription = {
        id,
        shopId,
        customerId,
        status: 'ACTIVE' as const,
        items: i % 2 === 0 ? [{ productId: 'beans', quantity: 1, status: 'ACTIVE' as const }] : [{ productId: 'beans', quantity: 2, status: 'ACTIVE' as const }, { productId: 'drip', quantity: 1, status: 'ACTIVE' as const }],
        cycle: '1m' as const,
        startDate: delivery,
        paymentMethod: 'card' as const,
        ...scheduleFor(delivery),
        card: { issuer: issued.card.issuer, last4: issued.card.last4 },
        contact: { email: `${customerId}@bench.example`, phone: `010-${String(1000 + (i % 9000)).padStart(4, '0')}-${String(i % 10_000).padStart(4, '0')}` },
        shippingAddress: { recipient: '김벤치', phone: '010-1234-5678', postalCode: '04524', address1: '서울특별시 중구 세종대로 110' },
        createdAt: at,
        updatedAt: at,
        // As sign-up (1), then checkout's claim and activation with a new card (2, 3) leave it.
        version: 3,
      };
      // As checkout leaves it: the first delivery planned, the subscription ACTIVE.
      await deps.cycles.schedule(scheduledCycle(subscription, delivery));
      await deps.subscriptions.create(subscription);
      ids.push(id);
      done += 1;
      if (done % Math.max(1, Math.floor(n / 10)) === 0) progress(`  seeded ${done.toLocaleString('en-US')}/${n.toLocaleString('en-US')} subscriptions`);
    },
  );
  return { ids, delivery };
}

/** The runs' timing: a dispatcher invoked as Scheduler would, then its worker's queue drained, with progress every few seconds. */
export async function runEndToEnd(system: LocalSystem, name: 'noticeRun' | 'chargeRun', at: Date, n: number, progress: Progress, outcome: () => Promise<string>): Promise<RunFigures> {
  const { dynamoRequestCounts } = await import('../functions/adapters/dynamodb/client.ts');
  const worker = name === 'noticeRun' ? 'noticeWorker' : 'chargeWorker';
  const stats = () => system.queues.stats().queues.find((queue) => queue.name === worker)!;
  system.clock.moveTo(at);
  const scheduledTime = seoulTimestamp(at);
  const before = stats();
  const countsBefore = dynamoRequestCounts();
  const start = performance.now();
  const ticker = setInterval(() => {
    const now = stats();
    progress(`  ${name}: ${now.deleted - before.deleted}/${now.sent - before.sent} messages done, ${now.depth} waiting, ${now.consumer?.running ?? 0} workers running (${((performance.now() - start) / 1000).toFixed(0)} s)`);
  }, 3_000);
  try {
    const report = (await system.invoke(name, { scheduledTime })) as { due: number; messages: number };
    await system.queues.drain();
    const ms = performance.now() - start;
    const requests = diff(dynamoRequestCounts(), countsBefore);
    const after = stats();
    return {
      name,
      scheduledTime,
      due: report.due,
      messages: report.messages,
      ms,
      itemsPerSecond: n / (ms / 1000),
      requests,
      requestsPerItem: total(requests) / n,
      queue: { delivered: after.delivered - before.delivered, deleted: after.deleted - before.deleted, deadLettered: after.deadLettered - before.deadLettered, invocations: (after.consumer?.invocations ?? 0) - (before.consumer?.invocations ?? 0) },
      outcome: await outcome(),
    };
  } finally {
    clearInterval(ticker);
  }
}

/** The notice run and the charge run over the seeded subscriptions: notice at D-2 08:00, charge at D-1 10:00. */
export async function theRuns(system: LocalSystem, seeded: Seeded, progress: Progress): Promise<{ notice: RunFigures; charge: RunFigures }> {
  const { deps } = await import('../functions/wiring.ts');
  const n = seeded.ids.length;
  const count = async (status: string) => {
    let found = 0;
    await inLanes(seeded.ids, 32, async (id) => {
      if ((await deps.cycles.get({ subscriptionId: id, deliveryDate: seeded.delivery }))?.status === status) found += 1;
    });
    return found;
  };
  const sent = (from: number) => system.outbox.list().slice(from);
  const noticeFrom = system.outbox.list().length;
  progress(`\nnotice run (${n.toLocaleString('en-US')} due, ${FUNCTIONS.noticeWorker.queue.maxConcurrency} workers at most)`);
  const notice = await runEndToEnd(system, 'noticeRun', seoulInstant(addDays(seeded.delivery, -2), 8, 0), n, progress, async () => {
    const mails = sent(noticeFrom);
    return `${await count('NOTICED')} cycles NOTICED; ${mails.filter((m) => m.channel === 'mail' && m.kind === 'payment-notice').length} notice mails, ${mails.filter((m) => m.channel === 'sms').length} SMS, ${mails.filter((m) => m.kind !== 'payment-notice').length} other`;
  });
  const chargeFrom = system.outbox.list().length;
  progress(`\ncharge run (${n.toLocaleString('en-US')} due, ${FUNCTIONS.chargeWorker.queue.maxConcurrency} workers at most)`);
  const charge = await runEndToEnd(system, 'chargeRun', seoulInstant(addDays(seeded.delivery, -1), 10, 0), n, progress, async () => {
    const out = sent(chargeFrom);
    return `${await count('CHARGED')} cycles CHARGED; ${out.filter((m) => m.channel === 'event').length} events, ${out.filter((m) => m.channel === 'mail').length} mails`;
  });
  return { notice, charge };
}

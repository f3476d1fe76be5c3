/**
 * Issue 17's whole-process crash test: the local system as a child process
 * with a data folder (`npm start` with LOCAL_DATA), SIGKILLed at random
 * moments while the daily notice and charge runs are working, restarted on
 * the same data, the clock moved on — over several weekly rounds. Then, from
 * the sandbox PG's own record (sandbox-pg.json), the table and the outbox:
 *
 * - every due cycle charged exactly once at the PG (captures, duplicates, lost);
 * - no subscription stuck (a next delivery in the past, a cycle left half-way);
 * - every notice out at least once, and a repeat only where the design allows
 *   one: a channel re-sent after its SENDING was found abandoned (the cycle
 *   counts its attempts; SES and SNS take no idempotency key, so a process
 *   killed between the provider's answer and the record of it sends again —
 *   docs/data-model.md, "Exactly once");
 * - credits exact: each shop's SMS balance is what it bought minus one per
 *   SMS recorded sent, with nothing reserved.
 *
 * The clock is kept in LOCAL_DATA by the local runtime (issue 16): a restarted
 * system continues where it stood and fires again a run a kill cut short.
 *
 * `runChaos` is also what test/e2e/chaos.test.ts runs, with a tiny setup.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { addDays, seoulDate, seoulInstant } from '../functions/core/dates.ts';
import { SAMPLE_CONTRACTS } from '../local/sample-contracts.ts';

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

export interface ChaosOptions {
  /** Subscriptions (weekly), spread over the shops and over two start dates. */
  readonly subscriptions: number;
  readonly shops: number;
  /** Weekly deliveries each subscription goes through. */
  readonly rounds: number;
  /** Start dates the subscriptions are spread over (consecutive days; default 2): runs with work on that many days a round. */
  readonly startDates?: number;
  /** SIGKILLs per run that has work (the first lands in the run, the next in its replay after the restart). */
  readonly killsPerRun: number;
  /** Which runs are killed. */
  readonly killDuring: ReadonlyArray<'notice' | 'charge'>;
  /** Kill this many ms into a run, drawn between the two (default: anywhere in the run, as long as runs of its kind take here). */
  readonly killWindowMs?: readonly [number, number];
  /** Seed of the kill moments (a run is reproducible in what it attempts, not in where a kill lands). */
  readonly seed: number;
  readonly progress: (line: string) => void;
  /** Keep the data folder (its path is printed). */
  readonly keep?: boolean;
}

export interface ChaosFigures {
  readonly kills: number;
  /** Kill attempts whose run had finished before the signal: nothing was cut. */
  readonly killsAfterTheRun: number;
  readonly restarts: number;
  readonly subscriptions: number;
  /** Due cycles (subscriptions × rounds). */
  readonly cycles: number;
  readonly charged: number;
  /** Payments taken at the sandbox PG for these cycles. */
  readonly captures: number;
  /** Cycles with more than one payment taken. */
  readonly duplicates: number;
  /** Due cycles with no payment taken. */
  readonly lost: number;
  /** Subscriptions with a next delivery in the past, and cycles left half-way (NOTICING, NOTICED, CHARGING, REVIEW). */
  readonly stuck: number;
  /** Cycles a late notice moved (the late-notice rule: they are charged a day later, still a day after their notice). */
  readonly moved: number;
  readonly notices: {
    readonly mails: number;
    readonly sms: number;
    /** Cycles without their notice mail. */
    readonly missing: number;
    /** Repeats of a channel re-sent after an abandoned SENDING, or announcing a late notice's new dates (allowed: SES/SNS have no idempotency key). */
    readonly repeatsAfterAbandonedSend: number;
    /** Repeats beyond the channel's recorded attempts: must be 0. */
    readonly repeatsUnexplained: number;
  };
  readonly credits: { readonly exact: boolean; readonly reserved: number };
  readonly seconds: number;
}

// ---- The child process ----

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  readonly dynamodb: string;
  readonly tableName: string;
  readonly exited: Promise<void>;
}

async function startChild(dataDir: string): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'local/start.ts')], {
    cwd: REPO_ROOT,
    env: { ...process.env, PORT: '0', LOCAL_DATA: dataDir, LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'SILENT', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err = (err + chunk.toString()).slice(-4000)));
  return new Promise<Child>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`The local system did not start within 90 s:\n${out}\n${err}`)), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const api = /API\s+(http:\/\/\S+)/.exec(out);
      const dynamo = /DynamoDB\s+(http:\/\/\S+)\s+\(table (\S+)\)/.exec(out);
      if (api && dynamo) {
        clearTimeout(timer);
        resolve({ process: child, url: api[1]!, dynamodb: dynamo[1]!, tableName: dynamo[2]!, exited });
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`The local system exited before it was ready:\n${out}\n${err}`));
    });
  });
}

async function killChild(child: Child): Promise<void> {
  child.process.kill('SIGKILL');
  await child.exited;
}

async function stopChild(child: Child): Promise<void> {
  child.process.kill('SIGTERM');
  await Promise.race([child.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (child.process.exitCode === null) await killChild(child);
}

interface Reply {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(child: Child, method: string, path: string, token?: string, body?: unknown): Promise<Reply> {
  const response = await fetch(`${child.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

async function ok(child: Child, method: string, path: string, token?: string, body?: unknown): Promise<Record<string, unknown>> {
  const reply = await call(child, method, path, token, body);
  if (reply.status >= 300) throw new Error(`${method} ${path} answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body;
}

const tokenFor = async (child: Child, role: string, shop: string, sub: string) => (await ok(child, 'POST', '/_local/token', undefined, { role, shop, sub })).token as string;

// ---- Seeding, through the API as a platform, merchants and buyers would ----

const SMS_CREDITS = 10_000;
const drip = { name: 'Drip bags 30', price: 18_000, subscription: { enabled: true, cycles: ['1w', '2w', '1m'] }, onePlusNEvent: false };
const address = { recipient: '김카오스', phone: '010-1234-5678', postalCode: '04524', address1: '서울특별시 중구 세종대로 110' };

interface Seeded {
  readonly shops: ReadonlyArray<{ readonly shopId: string; readonly admin: string }>;
  readonly subscriptions: ReadonlyArray<{ readonly id: string; readonly shopId: string; readonly startDate: string; readonly email: string; readonly phone: string }>;
  readonly start: string;
}

const phoneOf = (i: number) => `010-${String(2000 + Math.floor(i / 10_000)).padStart(4, '0')}-${String(i % 10_000).padStart(4, '0')}`;

async function seed(child: Child, options: ChaosOptions): Promise<Seeded> {
  const platform = await tokenFor(child, 'platform', 'platform', 'chaos');
  const shops: Array<{ shopId: string; admin: string }> = [];
  for (let s = 1; s <= options.shops; s += 1) {
    const shopId = `chaos-shop-${s}`;
    await ok(child, 'POST', '/platform/shops', platform, { shopId, name: `Chaos Shop ${s}`, operatorEmail: `ops@${shopId}.example`, productManagement: 'new' });
    await ok(child, 'PUT', `/platform/shops/${shopId}/pg-contracts/tosspayments`, platform, SAMPLE_CONTRACTS.tosspayments);
    const admin = await tokenFor(child, 'admin', shopId, 'owner');
    await ok(child, 'POST', '/admin/service/application', admin, {});
    await ok(child, 'POST', `/platform/shops/${shopId}/review`, platform, { decision: 'approved' });
    await ok(child, 'PUT', '/admin/products/drip', admin, drip);
    await ok(child, 'POST', `/platform/shops/${shopId}/credits`, platform, { sms: SMS_CREDITS, reference: `${shopId}-credits` });
    shops.push({ shopId, admin });
  }
  const start = (await ok(child, 'GET', `/shops/${shops[0]!.shopId}/products/drip/purchase-options`)).earliestStartDate as string;
  const subscriptions: Array<Seeded['subscriptions'][number]> = [];
  const indexes = Array.from({ length: options.subscriptions }, (_, i) => i);
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < indexes.length) {
        const i = indexes[next]!;
        next += 1;
        const { shopId } = shops[i % shops.length]!;
        const buyer = await tokenFor(child, 'customer', shopId, `chaos-buyer-${i}`);
        const startDate = addDays(start, i % (options.startDates ?? 2));
        const contact = { email: `buyer-${i}@chaos.example`, phone: phoneOf(i) };
        const signup = await ok(child, 'POST', '/subscriptions', buyer, { items: [{ productId: 'drip', quantity: 1 }], cycle: '1w', startDate, paymentMethod: 'card', contact, shippingAddress: address });
        const id = (signup.subscription as { id: string }).id;
        const { authKey } = await ok(child, 'POST', '/_local/sandbox-pg/authorize', undefined, { subscriptionId: id, cardNumber: '9410-0000-0000-0001' });
        await ok(child, 'POST', `/subscriptions/${id}/checkout`, buyer, { authKey });
        subscriptions.push({ id, shopId, startDate, ...contact });
      }
    }),
  );
  return { shops, subscriptions, start };
}

// ---- The clock's walk through the rounds ----

interface Step {
  readonly at: Date;
  readonly run: 'notice' | 'charge' | 'none';
}

/** Every run time from `from` to `until` (08:00 notice, 10:00 and 17:00 charge, Seoul), a minute after each: which have due work. */
function walk(from: string, until: string, noticeDays: ReadonlySet<string>, chargeDays: ReadonlySet<string>): Step[] {
  const steps: Step[] = [];
  for (let day = from; day <= until; day = addDays(day, 1)) {
    steps.push({ at: seoulInstant(day, 8, 1), run: noticeDays.has(day) ? 'notice' : 'none' });
    steps.push({ at: seoulInstant(day, 10, 1), run: chargeDays.has(day) ? 'charge' : 'none' });
    steps.push({ at: seoulInstant(day, 17, 1), run: 'none' });
  }
  return steps;
}

/** A small deterministic random source (mulberry32): the kill moments of a seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// ---- The run ----

export async function runChaos(options: ChaosOptions): Promise<ChaosFigures> {
  const began = performance.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'chaos-'));
  const say = options.progress;
  const next = random(options.seed);
  let child = await startChild(dataDir);
  let restarts = 0;
  let kills = 0;
  let killsAfterTheRun = 0;
  try {
    say(`  data ${dataDir}; seeding ${options.subscriptions} weekly subscriptions in ${options.shops} shops…`);
    const seeded = await seed(child, options);
    const spread = options.startDates ?? 2;
    const lastDelivery = addDays(seeded.start, spread - 1 + 7 * (options.rounds - 1));
    const deliveries = Array.from({ length: options.rounds }, (_, r) => Array.from({ length: spread }, (_, d) => addDays(seeded.start, d + 7 * r))).flat();
    const noticeDays = new Set(deliveries.map((day) => addDays(day, -2)));
    const chargeDays = new Set(deliveries.map((day) => addDays(day, -1)));
    const now = new Date(Date.parse(String((await ok(child, 'GET', '/_local/clock')).now)));
    const steps = walk(seoulDate(now), lastDelivery, noticeDays, chargeDays).filter((step) => step.at > now);
    say(`  deliveries ${deliveries[0]} … ${lastDelivery} (${options.rounds} rounds); the clock walks ${steps.length} run times, killing the notice and charge runs that have work`);

    // How long a run with work takes here, to aim the kills inside it (adjusted as runs are seen whole).
    const estimate = { notice: 50 + options.subscriptions * 15, charge: 50 + options.subscriptions * 15 };
    const moveTo = async (at: Date) => {
      const current = Date.parse(String((await ok(child, 'GET', '/_local/clock')).now));
      // After a restart the kept clock may already stand past the step: then moving by nothing fires what is due.
      return ok(child, 'POST', '/_local/clock', undefined, current >= at.getTime() - 1000 ? { hours: 0 } : { now: at.toISOString() });
    };
    const restart = async () => {
      child = await startChild(dataDir);
      restarts += 1;
    };

    for (const step of steps) {
      const killing = step.run !== 'none' && options.killDuring.includes(step.run);
      for (let k = 0; killing && k < options.killsPerRun; k += 1) {
        const kind = step.run as 'notice' | 'charge';
        const [low, high] = options.killWindowMs ?? [20, 20 + estimate[kind]];
        const delay = low + next() * (high - low);
        const started = performance.now();
        const moving = moveTo(step.at).then(
          () => 'done' as const,
          () => 'cut' as const,
        );
        const timer = new Promise<'kill'>((resolve) => setTimeout(() => resolve('kill'), delay));
        const first = await Promise.race([moving, timer]);
        if (first === 'done') {
          // The run finished before the kill was due: aim earlier next time.
          killsAfterTheRun += 1;
          estimate[kind] = Math.max(30, (performance.now() - started) * 0.8);
          break;
        }
        await killChild(child);
        await moving;
        kills += 1;
        say(`  kill ${kills}: ${kind} run of ${seoulDate(step.at)}, ${Math.round(delay)} ms in; restarting`);
        await restart();
      }
      const started = performance.now();
      await moveTo(step.at);
      if (step.run !== 'none') estimate[step.run] = Math.max(estimate[step.run], (performance.now() - started) * 0.8);
    }

    say(`  ${kills} kills, ${restarts} restarts; checking the outcome`);
    const figures = await verify(child, dataDir, seeded, deliveries, options, lastDelivery);
    return { kills, killsAfterTheRun, restarts, ...figures, seconds: (performance.now() - began) / 1000 };
  } finally {
    await stopChild(child);
    if (options.keep) say(`  data kept in ${dataDir}`);
    else rmSync(dataDir, { recursive: true, force: true });
  }
}

// ---- Verification ----

interface StoredCycle {
  readonly subscriptionId: string;
  readonly deliveryDate: string;
  readonly status: string;
  readonly movedFrom?: string;
  readonly notice?: { readonly mail: { readonly state: string; readonly attempts: number }; readonly sms: { readonly state: string; readonly attempts: number } };
}

async function scan(child: Child): Promise<Array<Record<string, unknown>>> {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: child.dynamodb, region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: child.tableName, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  db.destroy();
  return items;
}

const digits = (phone: string) => phone.replace(/\D/g, '').slice(-8);

async function verify(child: Child, dataDir: string, seeded: Seeded, deliveries: readonly string[], options: ChaosOptions, lastDelivery: string): Promise<Omit<ChaosFigures, 'kills' | 'killsAfterTheRun' | 'restarts' | 'seconds'>> {
  const items = await scan(child);
  const outbox = ((await ok(child, 'GET', '/_local/outbox')).items as Array<{ channel: string; to: string; kind: string }>).filter((item) => item.kind === 'payment-notice');
  const ours = new Map(seeded.subscriptions.map((subscription) => [subscription.id, subscription]));
  const cycles = items.filter((item) => item.type === 'cycle' && ours.has(String(item.subscriptionId))) as unknown as StoredCycle[];
  const subscriptions = items.filter((item) => item.type === 'subscription' && ours.has(String(item.id)));

  // The PG's own record: payments taken, by (subscription, delivery) from the order id `{subscriptionId}-{yyyymmdd}-{attempt}`.
  const pg = JSON.parse(readFileSync(join(dataDir, 'sandbox-pg.json'), 'utf8')) as { payments: Array<{ orderId: string; status: string }> };
  const taken = new Map<string, number>();
  for (const payment of pg.payments) {
    if (payment.status !== 'DONE') continue;
    const match = /^(.*)-(\d{4})(\d{2})(\d{2})-\d+$/.exec(payment.orderId);
    if (!match || !ours.has(match[1]!)) continue;
    const key = `${match[1]}|${match[2]}-${match[3]}-${match[4]}`;
    taken.set(key, (taken.get(key) ?? 0) + 1);
  }

  let charged = 0;
  let lost = 0;
  let duplicates = 0;
  let missing = 0;
  let repeatsAfterAbandonedSend = 0;
  let repeatsUnexplained = 0;
  for (const subscription of seeded.subscriptions) {
    const own = cycles.filter((cycle) => cycle.subscriptionId === subscription.id);
    const due = deliveries.filter((day) => day >= subscription.startDate && (day === subscription.startDate || (Date.parse(day) - Date.parse(subscription.startDate)) % (7 * 86_400_000) === 0));
    for (const day of due) {
      // A late notice moves a cycle (it then carries the date it was planned for): that one stands for the day.
      const cycle = own.find((candidate) => candidate.movedFrom === day) ?? own.find((candidate) => candidate.deliveryDate === day);
      const captures = cycle ? (taken.get(`${subscription.id}|${cycle.deliveryDate}`) ?? 0) : 0;
      if (cycle?.status === 'CHARGED') charged += 1;
      if (captures === 0) lost += 1;
      if (captures > 1) duplicates += 1;
    }
    // Notices: at least one per noticed cycle, a repeat only for an attempt after an abandoned SENDING.
    const noticed = own.filter((cycle) => cycle.notice !== undefined);
    const mails = outbox.filter((item) => item.channel === 'mail' && item.to === subscription.email).length;
    const sms = outbox.filter((item) => item.channel === 'sms' && digits(item.to) === digits(subscription.phone)).length;
    // A moved cycle's notice (new dates) may follow one that went out for the old dates before the move.
    const moves = noticed.filter((cycle) => cycle.movedFrom !== undefined).length;
    const mailAttempts = moves + noticed.reduce((sum, cycle) => sum + (cycle.notice!.mail.attempts ?? 1), 0);
    const smsAttempts = moves + noticed.reduce((sum, cycle) => sum + (cycle.notice!.sms.state === 'SENT' || cycle.notice!.sms.state === 'SENDING' ? cycle.notice!.sms.attempts : 0), 0);
    missing += Math.max(0, noticed.length - mails);
    for (const [sent, attempts, expected] of [
      [mails, mailAttempts, noticed.length],
      [sms, smsAttempts, noticed.filter((cycle) => cycle.notice!.sms.state === 'SENT').length],
    ] as const) {
      const repeats = Math.max(0, sent - expected);
      const allowed = Math.max(0, attempts - expected);
      repeatsAfterAbandonedSend += Math.min(repeats, allowed);
      repeatsUnexplained += Math.max(0, repeats - allowed);
    }
  }

  const halfWay = cycles.filter((cycle) => cycle.deliveryDate <= lastDelivery && !['CHARGED', 'SKIPPED', 'FAILED', 'CANCELLED'].includes(cycle.status)).length;
  const behind = subscriptions.filter((subscription) => subscription.status === 'ACTIVE' && String(subscription.nextDeliveryDate) <= lastDelivery).length;

  // Credits: what each shop bought, less one per SMS recorded sent; nothing held.
  let exact = true;
  let reserved = 0;
  for (const shop of seeded.shops) {
    const balances = await ok(child, 'GET', '/admin/credits', shop.admin);
    const sent = cycles.filter((cycle) => ours.get(cycle.subscriptionId)?.shopId === shop.shopId && cycle.notice?.sms.state === 'SENT').length;
    const held = (balances.reserved as { sms: number }).sms;
    reserved += held;
    if (balances.sms !== SMS_CREDITS - sent || held !== 0) exact = false;
  }

  return {
    subscriptions: seeded.subscriptions.length,
    cycles: seeded.subscriptions.reduce((sum, subscription) => sum + deliveries.filter((day) => day >= subscription.startDate && (Date.parse(day) - Date.parse(subscription.startDate)) % (7 * 86_400_000) === 0).length, 0),
    charged,
    captures: [...taken.values()].reduce((sum, count) => sum + count, 0),
    duplicates,
    lost,
    stuck: halfWay + behind,
    moved: cycles.filter((cycle) => cycle.movedFrom !== undefined).length,
    notices: { mails: outbox.filter((item) => item.channel === 'mail').length, sms: outbox.filter((item) => item.channel === 'sms').length, missing, repeatsAfterAbandonedSend, repeatsUnexplained },
    credits: { exact, reserved },
  };
}

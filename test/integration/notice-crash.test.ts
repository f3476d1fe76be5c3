/**
 * Crash injection for the payment notice (S12, S17, S18; docs/data-model.md,
 * "State changes without transactions"). The notice is a sequence of
 * single-item writes and two provider calls (SES, SNS). For every call k of a
 * clean run — DynamoDB, the mailer or the SMS sender — the k-th call fails,
 * either before it happens or after it took effect (the process died before it
 * heard back); then, once the visibility timeout has passed, the message is
 * delivered again. Whatever k: exactly one cycle with the locked amount, out
 * of the notice index, exactly one SMS credit debited and nothing left
 * reserved, and both notices sent — twice only where documented: when the
 * crash fell between the provider taking the message and its SENT being
 * recorded (the cycle's settle write). The worker's reads are batched as in
 * production (one BatchGetItem is one call here). The cycle's `noticed` event
 * (issue 13) is published before the settle, so every case finds it published
 * under its one id — at least once, never lost.
 *
 * Every case of a table starts from the same state: its shop and subscription are made once over HTTP, and
 * before each case the table is put back as that setup left it (table-snapshot.ts) and the notice's clock
 * set back to the setup's time — the run each case would see on a fresh subscription, without redoing the
 * setup. What a case sent is what the outbox gained during it.
 */
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchingReads } from '../../functions/adapters/dynamodb/batched-reads.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { creditsRepository } from '../../functions/adapters/dynamodb/credits.repo.ts';
import { cyclesRepository } from '../../functions/adapters/dynamodb/cycles.repo.ts';
import { notificationsRepository } from '../../functions/adapters/dynamodb/notifications.repo.ts';
import { priceConsentsRepository } from '../../functions/adapters/dynamodb/price-consents.repo.ts';
import { productsRepository } from '../../functions/adapters/dynamodb/products.repo.ts';
import { settingsRepository } from '../../functions/adapters/dynamodb/settings.repo.ts';
import { shopsRepository } from '../../functions/adapters/dynamodb/shops.repo.ts';
import { subscriptionsRepository } from '../../functions/adapters/dynamodb/subscriptions.repo.ts';
import { ABANDONED_AFTER_SECONDS, debitOperationId } from '../../functions/domain/credits.ts';
import { FUNCTIONS } from '../../system/functions.ts';
import { noticeWork, type NoticeDeps } from '../../functions/use-cases/runs/notice.ts';
import { SimulatedCrash } from '../support/faulty-client.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { LOCAL_EVENT_BUS_NAME } from '../../local/system.ts';
import { activeSubscription, noticeItem, outbox, shopWithCredits } from '../support/notice-fixtures.ts';
import { runDeps } from '../support/run-deps.ts';
import { snapshotTable } from '../support/table-snapshot.ts';

// Booted while the file is collected: the crash tables below are built from a clean run's calls.
const t: TestSystem = await bootLocalSystem({ seed: false });
afterAll(() => t.stop());
const system = await runDeps();
/**
 * The notice's clock: the system's until the crash cases begin; each case then starts at the setup's time and
 * moves it on (a redelivery's visibility timeout, the abandoned-block sweep) as the system clock would.
 */
let caseTime: number | undefined;
const clock = { now: () => (caseTime === undefined ? system.clock.now() : new Date(caseTime)) };
const deps = { ...system, clock };
const advance = (ms: number) => {
  if (caseTime === undefined) t.system.clock.moveTo(new Date(t.system.clock.now().getTime() + ms));
  else caseTime += ms;
};
const { tableName } = (await import('../../functions/config.ts')).config;
const raw: DynamoDBDocumentClient = createDocumentClient();

const WHEN = ['before', 'after'] as const;
/** SQS hands a message back only after its visibility timeout: by then a crashed attempt's SENDING is stale. */
const REDELIVERY_MS = FUNCTIONS.noticeWorker.queue.visibilityTimeoutSeconds * 1000;

/**
 * The notice's dependencies with one shared call counter over DynamoDB, the mailer and the SMS sender:
 * call `failOn` (1-based) throws a SimulatedCrash before it is made or after it took effect.
 */
function faultyDeps(failOn: number, when: 'before' | 'after') {
  let calls = 0;
  const labels: string[] = [];
  /** Calls that failed on their own (a refused conditional write): nothing took effect, so no crash "after" them. */
  const refused = new Set<number>();
  const step = async <T>(label: string, run: () => Promise<T>): Promise<T> => {
    calls += 1;
    const call = calls;
    labels.push(label);
    if (call === failOn && when === 'before') throw new SimulatedCrash(call, when);
    const result = await run().catch((error: unknown) => {
      refused.add(call);
      throw error;
    });
    if (call === failOn && when === 'after') throw new SimulatedCrash(call, when);
    return result;
  };
  type Command = { constructor: { name: string }; input?: { Key?: { sk?: string }; Item?: { sk?: string } } };
  const send = (command: Command) =>
    step(`${command.constructor.name} ${command.input?.Key?.sk ?? command.input?.Item?.sk ?? ''}`, () => (raw.send as (c: unknown) => Promise<unknown>).call(raw, command));
  const db = batchingReads(new Proxy(raw, { get: (target, property, receiver) => (property === 'send' ? send : Reflect.get(target, property, receiver)) }), tableName);
  const faulty: NoticeDeps = {
    clock,
    shops: shopsRepository(db, tableName),
    settings: settingsRepository(db, tableName),
    products: productsRepository(db, tableName),
    priceConsents: priceConsentsRepository(db, tableName),
    subscriptions: subscriptionsRepository(db, tableName),
    cycles: cyclesRepository(db, tableName),
    credits: creditsRepository(db, tableName),
    notifications: notificationsRepository(db, tableName),
    mailer: { send: (mail) => step(`mailer.send ${mail.kind}`, () => deps.mailer.send(mail)) },
    sms: { send: (sms) => step(`sms.send ${sms.kind}`, () => deps.sms.send(sms)) },
    // The message's noticed events go out together (ten per PutEvents): one call, a crash point like any other.
    events: {
      publish: (event) => step(`events.publish ${event.type}`, () => deps.events.publish(event)),
      publishEach: (events) => step(`events.publish ${[...new Set(events.map((event) => event.type))].join(',')}`, () => deps.events.publishEach(events)),
    },
  };
  return { deps: faulty, calls: () => calls, labels, refused };
}

/** One delivery of a one-item message (as the worker makes it); true when it crashed (thrown, or its item failed). */
async function deliver(noticeDeps: NoticeDeps, sub: { id: string; shopId: string; nextNoticeDate: string; nextDeliveryDate: string }, messageId: string): Promise<boolean> {
  const item = noticeItem(sub, { messageId });
  const report = await noticeWork(noticeDeps, { kind: 'NOTICE', date: item.date, scheduledTime: item.scheduledTime, shopId: item.shopId, messageId, items: [item.ref] });
  const [result] = report.results;
  if (result && 'error' in result) throw result.error;
  return false;
}

/**
 * Where a crash may make a message go out twice: after the provider took it and before its SENT was recorded —
 * the mail is sent first, then the SMS, then both are recorded by the cycle's settle write (its last put).
 */
function duplicateWindow(label: string, when: 'before' | 'after', settle: boolean, kind: string, channel: 'mail' | 'sms'): boolean {
  if (kind !== 'payment-notice') return (label === `mailer.send ${kind}` && when === 'after') || (when === 'before' && label.startsWith('UpdateCommand NOTIFY#'));
  if (settle) return when === 'before';
  // The noticed event goes out between the sends and the settle: a crash around it is a crash before the settle.
  if (label === 'events.publish subscription.cycle.noticed') return true;
  if (label === 'mailer.send payment-notice') return channel === 'mail' && when === 'after';
  if (label === 'sms.send payment-notice') return channel === 'sms' ? when === 'after' : true;
  return false;
}

interface Subject {
  readonly shop: Awaited<ReturnType<typeof shopWithCredits>>;
  readonly sub: { id: string; shopId: string; nextNoticeDate: string; nextDeliveryDate: string; nextChargeDate: string };
  readonly contact: { email: string };
  readonly smsTo: string;
}

/** How many outbox items each address held before a run: the checks read what the run added. */
type Seen = ReadonlyMap<string, number>;
const addresses = (subject: Subject) => [subject.contact.email, subject.smsTo, subject.shop.operatorEmail, LOCAL_EVENT_BUS_NAME];
const seenBy = async (subject: Subject): Promise<Seen> => new Map(await Promise.all(addresses(subject).map(async (to) => [to, (await outbox(t, to)).length] as const)));
const sentSince = async (seen: Seen, to: string) => (await outbox(t, to)).slice(seen.get(to) ?? 0);

type Check = (subject: Subject, seen: Seen, crash: string, window: (kind: string, channel: 'mail' | 'sms') => boolean) => Promise<void>;

/** A clean delivery, counted: its calls (every one a crash point below), the labels, and which is the cycle's settle. */
async function cleanRun(subject: Subject, check: Check) {
  const seen = await seenBy(subject);
  const counter = faultyDeps(Number.POSITIVE_INFINITY, 'before');
  expect(await deliver(counter.deps, subject.sub, 'clean')).toBe(false);
  await check(subject, seen, 'clean run', () => false);
  // The settle: the last put of the cycle's item — known by its label and how many came before it, not by its place
  // among the calls (the ledger lines and the block's release run beside the sends, so the order varies).
  const settleLabel = `PutCommand CYCLE#${subject.sub.nextDeliveryDate}`;
  return { calls: counter.calls(), labels: counter.labels, settleLabel, settleOccurrence: counter.labels.filter((label) => label === settleLabel).length };
}

/** Every crash point of a clean run: [call k, before|after], each its own test case. */
const crashPoints = (calls: number) => Array.from({ length: calls }, (_, i) => WHEN.map((when) => [i + 1, when] as const)).flat();

/**
 * A delivery whose k-th call crashes, then — after the visibility timeout — the redelivery, then the
 * abandoned-block sweep; `check` then sees the outcome.
 */
async function crashAt(clean: Awaited<ReturnType<typeof cleanRun>>, k: number, when: 'before' | 'after', subject: Subject, check: Check) {
  const messageId = `crash-${k}-${when}`;
  const seen = await seenBy(subject);
  const faulty = faultyDeps(k, when);
  const crashed = await deliver(faulty.deps, subject.sub, messageId).then(
    () => false,
    (error: unknown) => {
      if (!(error instanceof SimulatedCrash)) throw error;
      return true;
    },
  );
  const label = faulty.labels[k - 1] ?? '';
  const crash = `crash ${when} call ${k} (${label})`;
  // Every call is part of the delivery: a crash at any of them fails it (but one after a refused write, which had no effect to lose).
  expect(crashed, crash).toBe(!(when === 'after' && faulty.refused.has(k)));
  const settle = label === clean.settleLabel && faulty.labels.slice(0, k).filter((seen) => seen === label).length === clean.settleOccurrence;

  advance(REDELIVERY_MS);
  await deliver(deps, subject.sub, messageId);
  // A worker that died with its block open: the sweep (each run's end) returns what the block did not spend.
  advance((ABANDONED_AFTER_SECONDS + 60) * 1000);
  await deps.credits.sweepAbandonedBlocks(deps.clock.now());

  await check(subject, seen, crash, (kind, channel) => duplicateWindow(label, when, settle, kind, channel));
}

const smsOperation = (sub: Subject['sub']) => debitOperationId('payment-notice', sub.id, sub.nextDeliveryDate, 'sms');
const channelOf = async (sub: Subject['sub'], channel: 'mail' | 'sms') => (await deps.cycles.get({ subscriptionId: sub.id, deliveryDate: sub.nextDeliveryDate }))?.notice?.[channel];

async function expectCycleLockedAndNoticed(sub: Subject['sub'], seen: Seen, crash: string) {
  const stored = await deps.subscriptions.getWithCycles(sub.id);
  expect(stored?.cycles, crash).toEqual([expect.objectContaining({ deliveryDate: sub.nextDeliveryDate, status: 'NOTICED', amount: 68_000 }), expect.objectContaining({ status: 'SCHEDULED' })]);
  const published = new Set((await sentSince(seen, LOCAL_EVENT_BUS_NAME)).filter((event) => event.kind === 'subscription.cycle.noticed' && event.body.includes(`"${sub.id}"`)).map((event) => JSON.parse(event.body).id));
  expect([...published], crash).toEqual([`${sub.id}.${sub.nextDeliveryDate}.noticed`]);
}

/** With credits: each case expects one SMS credit less than it found. */
const shopWithSms = await shopWithCredits(t, 1000);
const subjectWithCredits = async (): Promise<Subject> => {
  const { subscription, contact, smsTo } = await activeSubscription(t, shopWithSms.shopId);
  return { shop: shopWithSms, sub: subscription, contact, smsTo };
};
const withCredits = (balanceBefore: number): Check => async ({ shop, sub, contact, smsTo }, seen, crash, window) => {
  await expectCycleLockedAndNoticed(sub, seen, crash);
  expect((await deps.credits.entry(shop.shopId, smsOperation(sub)))?.applied, crash).toBe(true);
  expect(await deps.credits.balances(shop.shopId), crash).toMatchObject({ sms: balanceBefore - 1, reserved: { sms: 0 } });
  expect((await sentSince(seen, contact.email)).length, crash).toBe(window('payment-notice', 'mail') ? 2 : 1);
  expect((await sentSince(seen, smsTo)).length, crash).toBe(window('payment-notice', 'sms') ? 2 : 1);
  expect(await channelOf(sub, 'mail'), crash).toMatchObject({ state: 'SENT' });
  expect(await channelOf(sub, 'sms'), crash).toMatchObject({ state: 'SENT' });
};
const smsBalance = async () => (await deps.credits.balances(shopWithSms.shopId)).sms;
const cleanWithCredits = await cleanRun(await subjectWithCredits(), withCredits(await smsBalance()));

/** Without credits: a dry shop of its own (the operator is told once per shop and day). */
const subjectWithoutCredits = async (): Promise<Subject> => {
  const shop = await shopWithCredits(t);
  const { subscription, contact, smsTo } = await activeSubscription(t, shop.shopId);
  return { shop, sub: subscription, contact, smsTo };
};
const withoutCredits: Check = async ({ shop, sub, contact, smsTo }, seen, crash, window) => {
  await expectCycleLockedAndNoticed(sub, seen, crash);
  expect((await deps.credits.entry(shop.shopId, smsOperation(sub)))?.applied ?? false, crash).toBe(false);
  expect(await deps.credits.balances(shop.shopId), crash).toMatchObject({ sms: 0, reserved: { sms: 0 } });
  expect(await sentSince(seen, smsTo), crash).toEqual([]);
  expect(await channelOf(sub, 'sms'), crash).toMatchObject({ state: 'NO_CREDIT' });
  expect((await sentSince(seen, contact.email)).length, crash).toBe(window('payment-notice', 'mail') ? 2 : 1);
  const operator = await sentSince(seen, shop.operatorEmail);
  expect(operator.map((mail) => mail.kind), crash).toEqual(new Array(window('sms-credits-exhausted', 'mail') ? 2 : 1).fill('sms-credits-exhausted'));
};
const cleanWithoutCredits = await cleanRun(await subjectWithoutCredits(), withoutCredits);

// The subjects of the crash cases, made once; each case starts from the table as it is now, at this time.
const caseWithCredits = await subjectWithCredits();
const caseWithoutCredits = await subjectWithoutCredits();
await t.system.queues.drain();
const setupTime = t.system.clock.now().getTime();
const table = await snapshotTable(raw, tableName);
beforeEach(async () => {
  // What the last case published is delivered (its consumers done) before the table is put back.
  await t.system.queues.drain();
  await table.restore();
  caseTime = setupTime;
});

describe('a crash at every step of the payment notice, then the redelivery (S12, S17, S18)', () => {
  describe('with credits: one cycle, one SMS credit, both notices sent (twice only in the documented window)', () => {
    it('a clean run makes every call a crash point: DynamoDB, the mail and the SMS', () => {
      expect(cleanWithCredits.labels).toEqual(expect.arrayContaining(['mailer.send payment-notice', 'sms.send payment-notice']));
      expect(cleanWithCredits.calls).toBeGreaterThanOrEqual(15);
    });
    it.each(crashPoints(cleanWithCredits.calls))('crash at call %i (%s)', async (k, when) => {
      const balanceBefore = await smsBalance();
      await crashAt(cleanWithCredits, k, when, caseWithCredits, withCredits(balanceBefore));
    });
  });

  describe('without credits: one cycle, no SMS and no debit, NO_CREDIT recorded, the mail sent, the operator told once', () => {
    it('a clean run mails the notice and the operator, and never calls the SMS sender', () => {
      expect(cleanWithoutCredits.labels).toEqual(expect.arrayContaining(['mailer.send payment-notice', 'mailer.send sms-credits-exhausted']));
      expect(cleanWithoutCredits.labels.some((label) => label.startsWith('sms.send'))).toBe(false);
    });
    it.each(crashPoints(cleanWithoutCredits.calls))('crash at call %i (%s)', async (k, when) => {
      await crashAt(cleanWithoutCredits, k, when, caseWithoutCredits, withoutCredits);
    });
  });
});

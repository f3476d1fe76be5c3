/**
 * The local runtime's queues and event bus, whole: dispatchers reach the local
 * SQS through AWS_ENDPOINT_URL_SQS, moving the clock drains each run's work
 * before the next run fires, `npm run invoke` of a dispatcher lands on the
 * running system's queue, and PutEvents reaches the outbox.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/dates.ts';
import { eventBridgePublisher } from '../../functions/adapters/messaging/eventbridge.ts';
import { ENV, queueFunctions } from '../../system/functions.ts';
import { REPO_ROOT } from '../../local/handlers.ts';
import { LOCAL_EVENT_BUS_NAME } from '../../local/system.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, subscribe } from '../support/storefront.ts';

let t: TestSystem;
beforeAll(async () => {
  t = await bootLocalSystem();
});
afterAll(() => t?.stop());

const queuesNow = async () => (await t.call('GET', '/_local/queues')).body as { router: { url: string; routes: Record<string, string> }; queues: Array<Record<string, any>> };
const queue = async (name: string) => (await queuesNow()).queues.find((q) => q.name === name)!;

describe('GET /_local/queues', () => {
  it("shows each worker's queue with its settings, depth, in-flight count and DLQ, and the router", async () => {
    const { router, queues } = await queuesNow();

    expect(queues.map((q) => q.name).sort()).toEqual(queueFunctions().map(([name]) => name).sort());
    for (const [name, definition] of queueFunctions()) {
      expect(queues.find((q) => q.name === name)).toMatchObject({
        url: expect.stringMatching(new RegExp(`/000000000000/${name}$`)),
        depth: 0,
        inFlight: 0,
        consumer: { worker: name, batchSize: definition.queue.batchSize, maxConcurrency: definition.queue.maxConcurrency, maxReceiveCount: definition.queue.maxReceiveCount },
        deadLetterQueue: { name: `${name}-dlq`, depth: 0, messages: [] },
      });
    }
    expect(router).toEqual({ url: process.env[ENV.workQueueUrl], routes: { NOTICE: 'noticeWorker', CHARGE: 'chargeWorker', STOP: 'stopWorker', PRICE_CHANGE: 'priceChangeWorker', WEBHOOK_DELIVERY: 'webhookDelivery', RETRY: 'chargeWorker' } });
  });
});

describe('moving the clock', () => {
  it("fires each dispatcher and answers only once that run's queued work is done", async () => {
    // Prepare: a buyer with a subscription whose first notice is a few days out.
    const { shopId } = await activeShop(t);
    const buyer = await t.token('customer', shopId, 'queue-buyer');
    const subscription = await subscribe(t, buyer, shopId);
    const noticeDate: string = subscription.nextNoticeDate;
    const before = await queue('noticeWorker');

    // Act: to the notice run of that day, then past the first charge run of the next.
    const notice = await t.call('POST', '/_local/clock', { body: { now: `${noticeDate}T08:00:00+09:00` } });
    const afterNotice = await queue('noticeWorker');
    const charge = await t.call('POST', '/_local/clock', { body: { now: `${addDays(noticeDate, 1)}T10:00:00+09:00` } });
    const afterCharge = await queue('chargeWorker');

    // Assess
    expect(notice.status).toBe(200);
    const noticeRun = notice.body.runs.at(-1);
    expect(noticeRun).toMatchObject({ functionName: 'noticeRun', ok: true, result: { kind: 'NOTICE', date: noticeDate } });
    expect(noticeRun.result.due).toBeGreaterThanOrEqual(1);
    expect(noticeRun.result.messages).toBeGreaterThanOrEqual(1);
    // Drained before the clock answered: everything sent was delivered and nothing waits or runs.
    expect(afterNotice.sent - before.sent).toBe(noticeRun.result.messages);
    expect(afterNotice).toMatchObject({ depth: 0, inFlight: 0, consumer: { running: 0 } });
    expect(afterNotice.delivered).toBeGreaterThanOrEqual(afterNotice.sent);

    expect(charge.body.runs.at(-1)).toMatchObject({ functionName: 'chargeRun', ok: true, result: { kind: 'CHARGE', date: addDays(noticeDate, 1) } });
    expect(afterCharge).toMatchObject({ depth: 0, inFlight: 0, consumer: { running: 0 } });
  });
});

describe('npm run invoke of a dispatcher', () => {
  it("puts its messages on the running system's queue, where the worker picks them up", async () => {
    const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
    const { shopId } = await activeShop(t);
    const buyer = await t.token('customer', shopId, 'invoke-buyer');
    const subscription = await subscribe(t, buyer, shopId);
    const before = await queue('noticeWorker');
    const event = join(REPO_ROOT, 'test', 'integration', `.notice-run-${process.pid}.json`);
    const { writeFileSync, rmSync } = await import('node:fs');
    writeFileSync(event, JSON.stringify({ scheduledTime: `${subscription.nextNoticeDate}T08:00:00+09:00` }));

    try {
      const { stdout } = await promisify(execFile)(tsx, [join(REPO_ROOT, 'local', 'invoke.ts'), 'noticeRun', event], {
        cwd: REPO_ROOT,
        env: { ...process.env, LOCAL_URL: t.system.url, LOG_LEVEL: 'ERROR' },
      });
      const report = JSON.parse(stdout);
      expect(report).toMatchObject({ kind: 'NOTICE', date: subscription.nextNoticeDate });
      expect(report.due).toBeGreaterThanOrEqual(1);
      // Sent straight to noticeWorker's own queue URL (one function per process, as in AWS).
      await t.system.queues.drain();
      expect((await queue('noticeWorker')).sent - before.sent).toBe(report.messages);
    } finally {
      rmSync(event, { force: true });
    }
  });
});

describe('the local EventBridge', () => {
  it('appends each event published by the production adapter to the outbox', async () => {
    await eventBridgePublisher(process.env[ENV.eventBusName]!).publish({ type: 'probe.published', id: 'evt-1', shopId: 'demo-shop', detail: { subscriptionId: 'sub-1', amount: 25_000 } });

    const items = (await t.call('GET', `/_local/outbox?to=${LOCAL_EVENT_BUS_NAME}`)).body.items as Array<{ kind: string }>;
    expect(items.filter((item) => item.kind === 'probe.published')).toEqual([
      { channel: 'event', to: LOCAL_EVENT_BUS_NAME, kind: 'probe.published', body: JSON.stringify({ id: 'evt-1', shopId: 'demo-shop', subscriptionId: 'sub-1', amount: 25_000 }), sentAt: expect.stringMatching(/\+09:00$/) },
    ]);
  });

  it('answers PutEvents as EventBridge does: an entry per entry, failures counted, whole-request limits', async () => {
    const client = new EventBridgeClient({});
    const entry = { Source: 'subscriptions', DetailType: 'probe', Detail: '{"n":1}' };

    const result = await client.send(
      new PutEventsCommand({
        Entries: [
          { ...entry, EventBusName: LOCAL_EVENT_BUS_NAME },
          { ...entry, EventBusName: 'someone-elses-bus' },
          { ...entry, EventBusName: LOCAL_EVENT_BUS_NAME, Detail: 'not json' },
        ],
      }),
    );

    expect(result.FailedEntryCount).toBe(2);
    expect(result.Entries).toEqual([
      { EventId: expect.any(String) },
      expect.objectContaining({ ErrorCode: 'NotFoundException' }),
      expect.objectContaining({ ErrorCode: 'MalformedDetail' }),
    ]);
    await expect(client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => entry) }))).rejects.toMatchObject({ name: 'ValidationException' });
    client.destroy();
  });
});

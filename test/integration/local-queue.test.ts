/**
 * The local SQS: the endpoint speaks the protocol this @aws-sdk/client-sqs
 * speaks (AWS JSON 1.0, MD5 verified by the SDK), and the queues behind it
 * deliver like an SQS event source mapping: batches of batchSize, at most
 * maxConcurrency at once, partial-batch failures redelivered (after the visibility timeout) with the same
 * messageId until maxReceiveCount, then the DLQ. Workers here are stubs; the
 * whole local system is in local-queue-system.test.ts.
 */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../functions/core/clock.ts';
import { sqsWorkQueue } from '../../functions/adapters/messaging/sqs.ts';
import { DISPATCHED_KIND } from '../../functions/use-cases/runs/dispatch.ts';
import { FUNCTIONS, type FunctionName, type WorkMessage } from '../../system/functions.ts';
import { LocalClock } from '../../local/clock.ts';
import { kindRoutes, LocalQueue, LocalQueues, md5Hex, md5OfMessageAttributes } from '../../local/queues.ts';
import { LocalScheduler, runTimesFrom } from '../../local/scheduler.ts';
import { startSqs } from '../../local/sqs.ts';
import type { Listening } from '../../local/net.ts';

type Worker = (event: SQSEvent) => Promise<unknown>;

const noticeSettings = FUNCTIONS.noticeWorker.queue;
const clock = fixedClock('2026-11-27T23:00:00Z');
let workers: Partial<Record<FunctionName, Worker>> = {};
let queues: LocalQueues;
let endpoint: Listening;
let client: SQSClient;
const invocations: Array<{ worker: FunctionName; event: SQSEvent }> = [];

beforeAll(async () => {
  endpoint = await startSqs({ host: '127.0.0.1', port: 0, queues: () => queues });
  client = new SQSClient({ endpoint: endpoint.url, region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
});
afterAll(async () => {
  client.destroy();
  await endpoint.close();
});
beforeEach(() => {
  workers = {};
  invocations.length = 0;
  queues = new LocalQueues(endpoint.url, clock, async (worker, event) => {
    invocations.push({ worker, event });
    return (workers[worker] ?? (async () => ({ batchItemFailures: [] })))(event);
  }, kindRoutes(DISPATCHED_KIND));
});

/** Drains, then lets the clock pass each visibility timeout (or delay) in turn, as SQS's would, until nothing is left. */
async function drainWithRetries(): Promise<void> {
  for (;;) {
    await queues.drain();
    const next = queues.nextVisibleAt();
    if (!next) return;
    clock.set(next);
    queues.release(next);
  }
}

const work = (i: number, kind: WorkMessage['kind'] = 'NOTICE'): WorkMessage => ({ kind, date: '2026-11-28', scheduledTime: '2026-11-27T23:00:00Z', shopId: 'shop-1', items: [{ subscriptionId: `s${i}`, deliveryDate: '2026-11-30' }] });
const noticeUrl = () => queues.urlOf('noticeWorker');
const stats = (name: string) => queues.stats().queues.find((queue) => queue.name === name)!;
const sendBatch = (bodies: string[], queueUrl = noticeUrl()) =>
  client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: bodies.map((body, i) => ({ Id: `m${i}`, MessageBody: body })) }));

describe('the local SQS endpoint (AWS JSON 1.0)', () => {
  it('takes SendMessageBatch from @aws-sdk/client-sqs and answers ids and body MD5s the SDK accepts', async () => {
    const bodies = ['{"a":1}', 'plain text', '한국어 본문 ✓'];

    const result = await sendBatch(bodies);

    expect(result.Failed ?? []).toEqual([]);
    expect(result.Successful?.map((entry) => [entry.Id, entry.MD5OfMessageBody])).toEqual(bodies.map((body, i) => [`m${i}`, md5Hex(body)]));
    // The SDK checks MD5OfMessageBody itself (a wrong digest throws); and this is "plain text"'s MD5 as md5sum prints it.
    expect(result.Successful?.[1]?.MD5OfMessageBody).toBe('31bc5c2b8fd4f20cd747347b7504a385');
    await queues.drain();
    expect(stats('noticeWorker')).toMatchObject({ sent: 3, delivered: 3, deleted: 3, depth: 0, inFlight: 0 });
  });

  it('takes SendMessage with message attributes and answers both MD5s', async () => {
    const attributes = { kind: { DataType: 'String', StringValue: 'NOTICE' }, blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) } };

    const result = await client.send(new SendMessageCommand({ QueueUrl: noticeUrl(), MessageBody: JSON.stringify(work(1)), MessageAttributes: attributes }));
    await queues.drain();

    expect(result.MD5OfMessageBody).toBe(md5Hex(JSON.stringify(work(1))));
    expect(result.MD5OfMessageAttributes).toBe(md5OfMessageAttributes({ kind: { DataType: 'String', StringValue: 'NOTICE' }, blob: { DataType: 'Binary', BinaryValue: 'AQID' } }));
    const record = invocations[0]!.event.Records[0]!;
    expect(record.messageAttributes.kind).toMatchObject({ dataType: 'String', stringValue: 'NOTICE' });
    expect(record.md5OfMessageAttributes).toBe(result.MD5OfMessageAttributes);
  });

  it('refuses what SQS refuses, with the error names the SDK knows', async () => {
    await expect(sendBatch(['x'], `${endpoint.url}/000000000000/no-such-queue`)).rejects.toMatchObject({ name: 'QueueDoesNotExist' });
    await expect(sendBatch(Array.from({ length: 11 }, (_, i) => `m${i}`))).rejects.toMatchObject({ name: 'TooManyEntriesInBatchRequest' });
    await expect(client.send(new SendMessageBatchCommand({ QueueUrl: noticeUrl(), Entries: [] }))).rejects.toMatchObject({ name: 'EmptyBatchRequest' });
    await expect(
      client.send(new SendMessageBatchCommand({ QueueUrl: noticeUrl(), Entries: [{ Id: 'a', MessageBody: '1' }, { Id: 'a', MessageBody: '2' }] })),
    ).rejects.toMatchObject({ name: 'BatchEntryIdsNotDistinct' });
    await expect(client.send(new SendMessageBatchCommand({ QueueUrl: noticeUrl(), Entries: [{ Id: 'not ok!', MessageBody: '1' }] }))).rejects.toMatchObject({
      name: 'InvalidBatchEntryId',
    });
    const big = 'x'.repeat(200_000);
    await expect(sendBatch([big, big, big, big, big, big])).rejects.toMatchObject({ name: 'BatchRequestTooLong' });
    expect(stats('noticeWorker').sent).toBe(0);
  });

  it('fails a batch entry on its own (200 with Failed) for a message SQS would not store', async () => {
    const result = await sendBatch(['fine', 'bad \u0000 character', 'x'.repeat(262_145)]);

    expect(result.Successful?.map((entry) => entry.Id)).toEqual(['m0']);
    expect(result.Failed).toEqual([
      expect.objectContaining({ Id: 'm1', SenderFault: true, Code: 'InvalidMessageContents' }),
      expect.objectContaining({ Id: 'm2', SenderFault: true, Code: 'InvalidParameterValue' }),
    ]);
  });

  it('routes messages sent to the shared router URL by their WorkMessage kind', async () => {
    const result = await sendBatch([JSON.stringify(work(1, 'NOTICE')), JSON.stringify(work(2, 'CHARGE')), '{"kind":"REFUND"}'], queues.routerUrl);
    await queues.drain();

    expect(result.Failed?.map((entry) => entry.Id)).toEqual(['m2']);
    expect(invocations.map(({ worker, event }) => [worker, JSON.parse(event.Records[0]!.body).kind])).toEqual(
      expect.arrayContaining([
        ['noticeWorker', 'NOTICE'],
        ['chargeWorker', 'CHARGE'],
      ]),
    );
    expect(queues.stats().router.routes).toEqual({ NOTICE: 'noticeWorker', CHARGE: 'chargeWorker' });
  });

  it('is what the production adapter (sqsWorkQueue) sends to: ten messages per SendMessageBatch', async () => {
    const queue = sqsWorkQueue(noticeUrl(), client);

    await queue.send(Array.from({ length: 23 }, (_, i) => work(i)));
    await queues.drain();

    expect(stats('noticeWorker')).toMatchObject({ sent: 23, deleted: 23 });
  });
});

describe('delivery, as an SQS event source mapping', () => {
  it('delivers real SQS events in batches of batchSize, with stable ids and a first receive count', async () => {
    await sendBatch(Array.from({ length: 10 }, (_, i) => JSON.stringify(work(i))));
    await queues.drain();

    const batches = invocations.map(({ event }) => event.Records.length);
    expect(batches.every((size) => size <= noticeSettings.batchSize)).toBe(true);
    expect(batches.reduce((a, b) => a + b, 0)).toBe(10);
    expect(batches[0]).toBe(noticeSettings.batchSize);
    const record = invocations[0]!.event.Records[0]!;
    expect(record).toMatchObject({
      messageId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      receiptHandle: expect.any(String),
      md5OfBody: md5Hex(record.body),
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:ap-northeast-2:000000000000:noticeWorker',
      awsRegion: 'ap-northeast-2',
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(clock.now().getTime()), ApproximateFirstReceiveTimestamp: String(clock.now().getTime()) },
    });
    expect(JSON.parse(record.body)).toEqual(work(0));
  });

  it('runs at most maxConcurrency invocations at once', async () => {
    let running = 0;
    let most = 0;
    let open: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (open = resolve));
    workers.noticeWorker = async () => {
      running += 1;
      most = Math.max(most, running);
      // Nobody finishes until everything is queued, so the cap is what holds them back.
      await gate;
      await new Promise((resolve) => setTimeout(resolve, 2));
      running -= 1;
      return { batchItemFailures: [] };
    };

    const queue = sqsWorkQueue(noticeUrl(), client);
    await queue.send(Array.from({ length: noticeSettings.batchSize * noticeSettings.maxConcurrency * 3 }, (_, i) => work(i)));
    open();
    await queues.drain();

    expect(most).toBe(noticeSettings.maxConcurrency);
    expect(stats('noticeWorker').consumer).toMatchObject({ running: 0, maxConcurrency: noticeSettings.maxConcurrency });
  });

  it('redelivers only the messages reported in batchItemFailures, with the same messageId, a new receipt handle and a higher receive count', async () => {
    const seen = new Map<string, string[]>();
    workers.noticeWorker = async (event): Promise<SQSBatchResponse> => {
      const failures = [];
      for (const record of event.Records) {
        seen.set(record.messageId, [...(seen.get(record.messageId) ?? []), `${record.attributes.ApproximateReceiveCount}:${record.receiptHandle}`]);
        // Message 1 fails twice, then succeeds.
        if (JSON.parse(record.body).items[0].subscriptionId === 's1' && Number(record.attributes.ApproximateReceiveCount) < 3) failures.push({ itemIdentifier: record.messageId });
      }
      return { batchItemFailures: failures };
    };

    const sent = clock.now().getTime();
    await sendBatch([0, 1, 2].map((i) => JSON.stringify(work(i))));
    await queues.drain();
    // Not at once: the failed message is invisible until its visibility timeout has passed.
    expect(stats('noticeWorker')).toMatchObject({ delivered: 3, deleted: 2, delayed: 1 });
    expect(queues.nextVisibleAt()).toEqual(new Date(sent + noticeSettings.visibilityTimeoutSeconds * 1000));
    await drainWithRetries();

    const receives = [...seen.values()];
    expect(receives.map((list) => list.length).sort()).toEqual([1, 1, 3]);
    const retried = receives.find((list) => list.length === 3)!;
    expect(retried.map((entry) => entry.split(':')[0])).toEqual(['1', '2', '3']);
    expect(new Set(retried.map((entry) => entry.split(':')[1])).size).toBe(3);
    expect(stats('noticeWorker')).toMatchObject({ sent: 3, delivered: 5, deleted: 3, deadLettered: 0 });
  });

  it('moves a message to the DLQ after maxReceiveCount failed deliveries, and shows it there', async () => {
    workers.noticeWorker = async (event) => ({ batchItemFailures: event.Records.filter((r) => r.body.includes('"s1"')).map((r) => ({ itemIdentifier: r.messageId })) });

    await sendBatch([0, 1].map((i) => JSON.stringify(work(i))));
    await drainWithRetries();

    const noticeQueue = stats('noticeWorker');
    expect(noticeQueue).toMatchObject({ depth: 0, deleted: 1, deadLettered: 1, delivered: 1 + noticeSettings.maxReceiveCount });
    expect(noticeQueue.deadLetterQueue).toMatchObject({ name: 'noticeWorker-dlq', depth: 1, messages: [{ receiveCount: noticeSettings.maxReceiveCount, body: JSON.stringify(work(1)) }] });
  });

  it('redelivers the whole batch when the worker throws, or answers an identifier that is not in the batch', async () => {
    let calls = 0;
    workers.noticeWorker = async () => {
      calls += 1;
      if (calls === 1) throw new Error('container crashed');
      if (calls === 2) return { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] };
      return { batchItemFailures: [] };
    };

    await sendBatch([0, 1].map((i) => JSON.stringify(work(i))));
    await drainWithRetries();

    expect(invocations.map(({ event }) => event.Records.map((r) => r.attributes.ApproximateReceiveCount))).toEqual([
      ['1', '1'],
      ['2', '2'],
      ['3', '3'],
    ]);
    expect(stats('noticeWorker')).toMatchObject({ deleted: 2, lastError: 'container crashed' });
  });

  it('delivers a message sent with DelaySeconds once the delay has passed (an item put back on its own)', async () => {
    await client.send(new SendMessageBatchCommand({ QueueUrl: noticeUrl(), Entries: [{ Id: 'later', MessageBody: JSON.stringify(work(7)), DelaySeconds: 90 }] }));
    await queues.drain();
    expect(invocations).toEqual([]);
    expect(queues.nextVisibleAt()).toEqual(new Date(clock.now().getTime() + 90_000));
    await drainWithRetries();
    expect(invocations).toHaveLength(1);
    await expect(client.send(new SendMessageBatchCommand({ QueueUrl: noticeUrl(), Entries: [{ Id: 'x', MessageBody: '{}', DelaySeconds: 901 }] }))).resolves.toMatchObject({ Failed: [expect.objectContaining({ Code: 'InvalidParameterValue' })] });
  });
});

describe('a batching window (MaximumBatchingWindowInSeconds), as Lambda gathers a batch', () => {
  const fanout = FUNCTIONS.webhookFanout.queue;
  const event = (i: number) => JSON.stringify({ 'detail-type': 'subscription.cycle.charged', detail: { id: `e${i}`, shopId: 'shop-1' } });
  /** A queue of its own with a short window (the real one's is a second), so the test waits out a window in 0.1 s. */
  function windowed(settings: { batchSize: number; maxBatchingWindowSeconds: number }) {
    const batches: number[][] = [];
    const queue = new LocalQueue('windowed', 'http://local/000000000000/windowed', clock, {
      worker: 'webhookFanout',
      settings: { ...fanout, ...settings },
      invoke: async (sqsEvent) => void batches.push(sqsEvent.Records.map((record) => JSON.parse(record.body).detail.id)),
    });
    return { queue, batches };
  }
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('holds a partial batch until its oldest message has waited the window, gathering what arrives meanwhile', async () => {
    const { queue, batches } = windowed({ batchSize: 10, maxBatchingWindowSeconds: 0.1 });
    const start = performance.now();
    queue.send(event(1));
    await pause(30);
    queue.send(event(2));
    queue.send(event(3));
    await pause(10);
    expect(batches).toEqual([]);
    await queue.whenIdle();

    expect(batches).toEqual([['e1', 'e2', 'e3']]);
    expect(performance.now() - start).toBeGreaterThanOrEqual(95);
  });

  it('sends a full batch at once, and the rest once the window has passed', async () => {
    const { queue, batches } = windowed({ batchSize: 3, maxBatchingWindowSeconds: 60 });
    for (let i = 1; i <= 4; i += 1) queue.send(event(i));
    await pause(5);

    expect(batches).toEqual([['e1', 'e2', 'e3']]);
    expect(queue.stats()).toMatchObject({ depth: 1, consumer: { batchSize: 3, maxBatchingWindowSeconds: 60 } });
    queue.flush();
    await queue.whenIdle();
    expect(batches).toEqual([['e1', 'e2', 'e3'], ['e4']]);
  });

  it('the fan-out gathers the events a running worker publishes into one batch; drain sends it as soon as nothing runs', async () => {
    // Prepare: a charge worker that publishes one event every few ms for a while (as the charge run does).
    workers.chargeWorker = async () => {
      for (let i = 1; i <= 5; i += 1) {
        queues.queue('webhookFanout')!.send(event(i));
        await pause(20);
      }
      return { batchItemFailures: [] };
    };
    const start = performance.now();

    // Act
    await sqsWorkQueue(queues.urlOf('chargeWorker'), client).send([work(1, 'CHARGE')]);
    await queues.drain();

    // Assess: one fan-out batch of all five, sent when the charge worker finished — not a window later.
    const fanouts = invocations.filter((call) => call.worker === 'webhookFanout').map((call) => call.event.Records.map((record) => JSON.parse(record.body).detail.id));
    expect(fanouts).toEqual([['e1', 'e2', 'e3', 'e4', 'e5']]);
    expect(fanout.maxBatchingWindowSeconds).toBe(1);
    expect(performance.now() - start).toBeLessThan(fanout.maxBatchingWindowSeconds * 1000);
  });
});

describe('draining after each run (the local scheduler)', () => {
  it("finishes each dispatcher's queued work before the next run fires", async () => {
    // Prepare: two runs per day; each "dispatcher" sends 30 messages, each worker call takes a moment.
    const timeline: string[] = [];
    workers.noticeWorker = async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 2));
      for (const record of event.Records) timeline.push(`work ${JSON.parse(record.body).scheduledTime}`);
      return { batchItemFailures: [] };
    };
    workers.chargeWorker = workers.noticeWorker;
    const real = { now: Date.parse('2026-11-26T21:00:00Z') };
    const local = new LocalClock(() => real.now);
    const scheduler = new LocalScheduler(
      runTimesFrom({}),
      local,
      async (name, scheduledTime) => {
        timeline.push(`run ${scheduledTime}`);
        const kind = DISPATCHED_KIND[name as keyof typeof DISPATCHED_KIND];
        await sqsWorkQueue(queues.routerUrl, client).send(Array.from({ length: 30 }, (_, i) => ({ ...work(i, kind), scheduledTime })));
        return 'dispatched';
      },
      () => queues.drain(),
    );

    // Act
    await scheduler.advanceTo(new Date('2026-11-27T18:00:00+09:00'));

    // Assess: every piece of work of a run comes after that run and before the next one.
    const runs = timeline.filter((entry) => entry.startsWith('run '));
    expect(runs).toEqual(['run 2026-11-27T08:00:00+09:00', 'run 2026-11-27T10:00:00+09:00', 'run 2026-11-27T17:00:00+09:00']);
    let current = '';
    for (const entry of timeline) {
      if (entry.startsWith('run ')) current = entry.slice(4);
      else expect(entry).toBe(`work ${current}`);
    }
    expect(timeline.filter((entry) => entry.startsWith('work '))).toHaveLength(3 * 30);
  });
});

describe('with a data folder, the queues outlive the process (as SQS outlives a worker)', () => {
  it('a message sent, and one that was being worked on when the process died, are there after a restart; the second after its visibility timeout', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'queues-'));
    const file = join(dir, 'queues.json');
    const delivered: string[] = [];
    let hang: () => void = () => undefined;
    // The first process: its worker takes a message and never answers (the process is about to die).
    const first = new LocalQueues(endpoint.url, clock, async (_worker, event) => {
      delivered.push(...event.Records.map((record) => record.body));
      await new Promise<void>((resolve) => (hang = resolve));
    }, kindRoutes(DISPATCHED_KIND), file);
    first.queue('noticeWorker')!.send(JSON.stringify(work(1)));
    await new Promise((resolve) => setImmediate(resolve));
    expect(delivered).toHaveLength(1);
    first.queue('noticeWorker')!.send(JSON.stringify(work(2)), {}, 60);

    // The restart reads the file; the dead worker's message waits for its visibility timeout, the delayed one for its delay.
    const again: string[] = [];
    const second = new LocalQueues(endpoint.url, clock, async (_worker, event) => void again.push(...event.Records.map((record) => record.body)), kindRoutes(DISPATCHED_KIND), file);
    second.restore();
    await second.drain();
    expect(again).toEqual([]);
    const visibleAt = second.nextVisibleAt()!;
    expect(visibleAt.getTime()).toBe(clock.now().getTime() + 60_000);
    clock.set(new Date(clock.now().getTime() + noticeSettings.visibilityTimeoutSeconds * 1000));
    second.release(clock.now());
    await second.drain();
    expect(again.map((body) => (JSON.parse(body) as WorkMessage).items[0]!.subscriptionId).sort()).toEqual(['s1', 's2']);
    // The first process's worker never comes back in reality; here it is let go before the folder goes.
    hang();
    await first.drain();
    rmSync(dir, { recursive: true, force: true });
  });
});

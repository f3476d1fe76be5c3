import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../functions/core/clock.ts';
import { dueShard, type DueKind, type ItemKey } from '../../functions/adapters/dynamodb/keys.ts';
import type { DueWorkRepository } from '../../functions/adapters/dynamodb/due-work.repo.ts';
import type { WorkQueue } from '../../functions/adapters/messaging/ports.ts';
import { DISPATCHED_KIND, DISPATCH_SHARD_CONCURRENCY, MESSAGES_PER_SEND, dispatchDueWork } from '../../functions/use-cases/runs/dispatch.ts';
import { FUNCTIONS, WORK_MESSAGE_KEYS, scheduledFunctions, type WorkMessage } from '../../system/functions.ts';
import { DUE_SHARDS } from '../../system/table.ts';

/** An in-memory due index: (kind, date) → keys by shard, pages of `pageSize`, with a small delay per page so lanes interleave. */
function fakeIndex(pageSize = 7) {
  const entries = new Map<string, ItemKey[][]>();
  let open = 0;
  let maxOpen = 0;
  const queried: number[] = [];
  const repo: DueWorkRepository & { add(kind: DueKind, date: string, subscriptionId: string): void; remove(pk: string): void } = {
    shards: DUE_SHARDS,
    add(kind, date, subscriptionId) {
      const shards = entries.get(`${kind}#${date}`) ?? Array.from({ length: DUE_SHARDS }, () => []);
      shards[dueShard(subscriptionId)]!.push({ pk: `SUB#${subscriptionId}`, sk: kind === 'NOTICE' ? 'SUB' : 'CYCLE#2026-12-01' });
      entries.set(`${kind}#${date}`, shards);
    },
    remove(pk) {
      for (const shards of entries.values()) for (const shard of shards) shard.splice(0, shard.length, ...shard.filter((key) => key.pk !== pk));
    },
    async *findDueInShard(kind, date, shard) {
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      queried.push(shard);
      try {
        const keys = entries.get(`${kind}#${date}`)?.[shard] ?? [];
        // One query per page, and one for an empty shard, each taking a moment.
        for (let start = 0; start === 0 || start < keys.length; start += pageSize) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield* keys.slice(start, start + pageSize);
        }
      } finally {
        open -= 1;
      }
    },
    // eslint-disable-next-line require-yield -- the dispatcher must never call it
    async *findDue() {
      throw new Error('the dispatcher pages shard by shard');
    },
  };
  return { repo, maxOpen: () => maxOpen, queried };
}

function recordingQueue(options: { failOnSend?: number } = {}) {
  const sends: WorkMessage[][] = [];
  const queue: WorkQueue = {
    async send(messages) {
      if (options.failOnSend === sends.length + 1) throw new Error('SQS is unavailable');
      sends.push(messages as WorkMessage[]);
    },
  };
  return { queue, sends, messages: () => sends.flat() };
}

const clock = fixedClock('2026-11-27T23:00:00Z');

describe('dispatchDueWork', () => {
  it("works on the Seoul date of its scheduled time, and sends every due key once, in messages of at most WORK_MESSAGE_KEYS", async () => {
    // Prepare: 23:00Z on the 27th is 08:00 on the 28th in Seoul.
    const index = fakeIndex();
    const ids = Array.from({ length: 1_003 }, (_, i) => `sub-${i}`);
    for (const id of ids) index.repo.add('NOTICE', '2026-11-28', id);
    index.repo.add('NOTICE', '2026-11-27', 'yesterday');
    index.repo.add('CHARGE', '2026-11-28', 'a-charge');
    const queue = recordingQueue();

    // Act
    const report = await dispatchDueWork({ dueWork: index.repo, workQueue: queue.queue, clock }, 'NOTICE', '2026-11-27T23:00:00Z');

    // Assess
    const messages = queue.messages();
    expect(report).toEqual({ kind: 'NOTICE', date: '2026-11-28', due: 1_003, messages: messages.length });
    const sent = messages.flatMap((message) => message.keys.map((key) => key.pk));
    expect(sent.sort()).toEqual(ids.map((id) => `SUB#${id}`).sort());
    for (const message of messages) {
      expect(message).toMatchObject({ kind: 'NOTICE', date: '2026-11-28', scheduledTime: '2026-11-27T23:00:00Z' });
      expect(message.keys.length).toBeGreaterThan(0);
      expect(message.keys.length).toBeLessThanOrEqual(WORK_MESSAGE_KEYS);
    }
    // Full messages except the last one: ⌈1003 / 25⌉.
    expect(messages).toHaveLength(Math.ceil(1_003 / WORK_MESSAGE_KEYS));
    for (const send of queue.sends) expect(send.length).toBeLessThanOrEqual(MESSAGES_PER_SEND);
    expect(queue.sends.slice(0, -1).every((send) => send.length === MESSAGES_PER_SEND)).toBe(true);
  });

  it('queries every shard once, a few at a time', async () => {
    const index = fakeIndex(3);
    for (let i = 0; i < 400; i += 1) index.repo.add('CHARGE', '2026-11-28', `s${i}`);
    const queue = recordingQueue();

    await dispatchDueWork({ dueWork: index.repo, workQueue: queue.queue, clock }, 'CHARGE', '2026-11-28T01:00:00Z');

    expect([...index.queried].sort((a, b) => a - b)).toEqual(Array.from({ length: DUE_SHARDS }, (_, shard) => shard));
    expect(index.maxOpen()).toBeGreaterThan(1);
    expect(index.maxOpen()).toBeLessThanOrEqual(DISPATCH_SHARD_CONCURRENCY);
  });

  it('sends nothing on a day with nothing due', async () => {
    const queue = recordingQueue();

    const report = await dispatchDueWork({ dueWork: fakeIndex().repo, workQueue: queue.queue, clock }, 'CHARGE', '2026-11-28T08:00:00Z');

    expect(report).toEqual({ kind: 'CHARGE', date: '2026-11-28', due: 0, messages: 0 });
    expect(queue.sends).toEqual([]);
  });

  it('sends again, on a rerun, exactly what is still in the index (how a crash is repaired)', async () => {
    const index = fakeIndex();
    for (let i = 0; i < 60; i += 1) index.repo.add('NOTICE', '2026-11-28', `s${i}`);
    const deps = { dueWork: index.repo, clock };
    await dispatchDueWork({ ...deps, workQueue: recordingQueue().queue }, 'NOTICE', '2026-11-27T23:00:00Z');
    // The workers finished 50 of them (done items leave the index), then everything stopped.
    for (let i = 0; i < 50; i += 1) index.repo.remove(`SUB#s${i}`);

    const rerun = recordingQueue();
    const report = await dispatchDueWork({ ...deps, workQueue: rerun.queue }, 'NOTICE', '2026-11-27T23:00:00Z');

    expect(report.due).toBe(10);
    expect(rerun.messages().flatMap((m) => m.keys.map((k) => k.pk)).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `SUB#s${50 + i}`).sort());
  });

  it('fails the run when the queue refuses a batch, so that Lambda retries it', async () => {
    const index = fakeIndex();
    for (let i = 0; i < 1_000; i += 1) index.repo.add('NOTICE', '2026-11-28', `s${i}`);

    await expect(dispatchDueWork({ dueWork: index.repo, workQueue: recordingQueue({ failOnSend: 2 }).queue, clock }, 'NOTICE', '2026-11-27T23:00:00Z')).rejects.toThrow(
      'SQS is unavailable',
    );
  });

  it('fails the run when a shard cannot be read', async () => {
    const index = fakeIndex();
    const broken: DueWorkRepository = {
      ...index.repo,
      async *findDueInShard(kind, date, shard) {
        if (shard === 5) throw new Error('ProvisionedThroughputExceededException');
        yield* index.repo.findDueInShard(kind, date, shard);
      },
    };

    await expect(dispatchDueWork({ dueWork: broken, workQueue: recordingQueue().queue, clock }, 'NOTICE', '2026-11-27T23:00:00Z')).rejects.toThrow(/Throughput/);
  });

  it('takes the clock when invoked without a scheduled time (a manual run), and refuses a malformed one', async () => {
    const index = fakeIndex();
    index.repo.add('NOTICE', '2026-11-28', 'manual');
    const queue = recordingQueue();

    const report = await dispatchDueWork({ dueWork: index.repo, workQueue: queue.queue, clock }, 'NOTICE', undefined);

    expect(report).toMatchObject({ date: '2026-11-28', due: 1 });
    expect(queue.messages()[0]?.scheduledTime).toBe('2026-11-27T23:00:00.000Z');
    await expect(dispatchDueWork({ dueWork: index.repo, workQueue: queue.queue, clock }, 'NOTICE', 'tomorrow')).rejects.toThrow(/not a timestamp/);
  });
});

describe('DISPATCHED_KIND', () => {
  it('names every dispatcher (a scheduled function that enqueues for a worker), and only those', () => {
    const dispatchers = scheduledFunctions().filter(([, fn]) => fn.enqueuesFor !== undefined);

    expect(Object.keys(DISPATCHED_KIND).sort()).toEqual(dispatchers.map(([name]) => name).sort());
    for (const [name, fn] of dispatchers) {
      expect(FUNCTIONS[fn.enqueuesFor as keyof typeof FUNCTIONS].kind, `${name} enqueues for ${fn.enqueuesFor}`).toBe('queue');
    }
    expect(new Set(Object.values(DISPATCHED_KIND)).size).toBe(dispatchers.length);
  });
});

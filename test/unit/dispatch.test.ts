import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../functions/core/clock.ts';
import { dueShard, type DueKind } from '../../functions/adapters/dynamodb/keys.ts';
import type { DueEntry, DueWorkRepository } from '../../functions/adapters/dynamodb/due-work.repo.ts';
import type { WorkQueue } from '../../functions/adapters/messaging/ports.ts';
import { RETRY_ENQUEUED_KIND } from '../../functions/use-cases/retry-cycle.ts';
import { DISPATCHED_KIND, DISPATCH_SHARD_CONCURRENCY, MESSAGES_PER_SEND, dispatchDueWork, type DispatchDeps } from '../../functions/use-cases/runs/dispatch.ts';
import { FUNCTIONS, WORK_MESSAGE_ITEMS, functionNames, type FunctionDefinition, type WorkMessage } from '../../system/functions.ts';
import { DUE_SHARDS } from '../../system/table.ts';

/** An in-memory due index: entries by kind and shard, sorted by date, pages of `pageSize`, with a small delay per page so lanes interleave. */
function fakeIndex(pageSize = 7) {
  const entries = new Map<DueKind, DueEntry[][]>();
  let open = 0;
  let maxOpen = 0;
  const queried: number[] = [];
  const repo: DueWorkRepository & { add(kind: DueKind, date: string, subscriptionId: string, shopId?: string): void; remove(subscriptionId: string): void } = {
    shards: DUE_SHARDS,
    add(kind, date, subscriptionId, shopId = 'shop-1') {
      const shards = entries.get(kind) ?? Array.from({ length: DUE_SHARDS }, () => []);
      shards[dueShard(subscriptionId)]!.push({ date, shopId, subscriptionId, deliveryDate: '2026-12-01' });
      shards[dueShard(subscriptionId)]!.sort((a, b) => (`${a.date}#${a.shopId}#${a.subscriptionId}` < `${b.date}#${b.shopId}#${b.subscriptionId}` ? -1 : 1));
      entries.set(kind, shards);
    },
    remove(subscriptionId) {
      for (const shards of entries.values()) for (const shard of shards) shard.splice(0, shard.length, ...shard.filter((entry) => entry.subscriptionId !== subscriptionId));
    },
    async *findDueInShard(kind, upTo, shard) {
      open += 1;
      maxOpen = Math.max(maxOpen, open);
      queried.push(shard);
      try {
        const due = (entries.get(kind)?.[shard] ?? []).filter((entry) => entry.date <= upTo);
        // One query per page, and one for an empty shard, each taking a moment.
        for (let start = 0; start === 0 || start < due.length; start += pageSize) {
          await new Promise((resolve) => setTimeout(resolve, 1));
          yield* due.slice(start, start + pageSize);
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
/** The sweep of abandoned credit blocks each run ends with, recorded. */
const sweeps: Date[] = [];
const credits: DispatchDeps['credits'] = {
  sweepAbandonedBlocks: async (now) => {
    sweeps.push(now);
    return [{ shopId: 'shop-1', kind: 'sms', blockId: 'dead-worker' }];
  },
};
const depsOf = (dueWork: DueWorkRepository, workQueue: WorkQueue): DispatchDeps => ({ dueWork, workQueue, clock, credits });
const itemsOf = (messages: readonly WorkMessage[]) => messages.flatMap((message) => message.items.map((item) => item.subscriptionId));

describe('dispatchDueWork', () => {
  it('works on the Seoul date of its scheduled time and sends everything due up to it — overdue too — once, in messages of one shop', async () => {
    // Prepare: 23:00Z on the 27th is 08:00 on the 28th in Seoul.
    const index = fakeIndex();
    const today = Array.from({ length: 1_003 }, (_, i) => `sub-${i}`);
    today.forEach((id, i) => index.repo.add('NOTICE', '2026-11-28', id, `shop-${i % 3}`));
    index.repo.add('NOTICE', '2026-11-20', 'missed-a-week-ago', 'shop-0');
    index.repo.add('NOTICE', '2026-11-29', 'tomorrow');
    index.repo.add('CHARGE', '2026-11-28', 'a-charge');
    const queue = recordingQueue();
    sweeps.length = 0;

    // Act
    const report = await dispatchDueWork(depsOf(index.repo, queue.queue), 'NOTICE', '2026-11-27T23:00:00Z');

    // Assess
    const messages = queue.messages();
    expect(report).toEqual({ kind: 'NOTICE', date: '2026-11-28', due: 1_004, overdue: 1, messages: messages.length, blocksReleased: 1 });
    expect(itemsOf(messages).sort()).toEqual([...today, 'missed-a-week-ago'].sort());
    for (const message of messages) {
      expect(message).toMatchObject({ kind: 'NOTICE', date: '2026-11-28', scheduledTime: '2026-11-27T23:00:00Z' });
      expect(message.items.length).toBeGreaterThan(0);
      expect(message.items.length).toBeLessThanOrEqual(WORK_MESSAGE_ITEMS);
      // One shop per message: one credit block and one read of the shop for all its items.
      const shop = Number(message.shopId.slice('shop-'.length));
      expect(message.items.every((item) => item.subscriptionId === 'missed-a-week-ago' || Number(item.subscriptionId.slice(4)) % 3 === shop)).toBe(true);
    }
    // Full messages but the last of each shop.
    expect(messages.filter((message) => message.items.length < WORK_MESSAGE_ITEMS)).toHaveLength(3);
    for (const send of queue.sends) expect(send.length).toBeLessThanOrEqual(MESSAGES_PER_SEND);
    // The run ends by sweeping the credit blocks dead workers left.
    expect(sweeps).toEqual([clock.now()]);
  });

  it('queries every shard once, a few at a time', async () => {
    const index = fakeIndex(3);
    for (let i = 0; i < 400; i += 1) index.repo.add('CHARGE', '2026-11-28', `s${i}`);

    await dispatchDueWork(depsOf(index.repo, recordingQueue().queue), 'CHARGE', '2026-11-28T01:00:00Z');

    expect([...index.queried].sort((a, b) => a - b)).toEqual(Array.from({ length: DUE_SHARDS }, (_, shard) => shard));
    expect(index.maxOpen()).toBeGreaterThan(1);
    expect(index.maxOpen()).toBeLessThanOrEqual(DISPATCH_SHARD_CONCURRENCY);
  });

  it('sends nothing on a day with nothing due', async () => {
    const queue = recordingQueue();
    const report = await dispatchDueWork(depsOf(fakeIndex().repo, queue.queue), 'CHARGE', '2026-11-28T08:00:00Z');
    expect(report).toMatchObject({ kind: 'CHARGE', date: '2026-11-28', due: 0, overdue: 0, messages: 0 });
    expect(queue.sends).toEqual([]);
  });

  it('sends again, on a rerun (or the next day’s run), exactly what is still in the index (how a crash is repaired)', async () => {
    const index = fakeIndex();
    for (let i = 0; i < 60; i += 1) index.repo.add('NOTICE', '2026-11-28', `s${i}`);
    await dispatchDueWork(depsOf(index.repo, recordingQueue().queue), 'NOTICE', '2026-11-27T23:00:00Z');
    // The workers finished 50 of them (done items leave the index), then everything stopped.
    for (let i = 0; i < 50; i += 1) index.repo.remove(`s${i}`);

    const rerun = recordingQueue();
    expect((await dispatchDueWork(depsOf(index.repo, rerun.queue), 'NOTICE', '2026-11-27T23:00:00Z')).due).toBe(10);
    expect(itemsOf(rerun.messages()).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `s${50 + i}`).sort());
    const nextDay = recordingQueue();
    expect(await dispatchDueWork(depsOf(index.repo, nextDay.queue), 'NOTICE', '2026-11-28T23:00:00Z')).toMatchObject({ due: 10, overdue: 10 });
  });

  it('holds at most a bounded number of items back while it waits to fill a shop’s message', async () => {
    const index = fakeIndex();
    // 6,000 shops with one item each: no message would ever fill.
    for (let i = 0; i < 6_000; i += 1) index.repo.add('NOTICE', '2026-11-28', `s${i}`, `shop-${i}`);
    const queue = recordingQueue();
    const report = await dispatchDueWork(depsOf(index.repo, queue.queue), 'NOTICE', '2026-11-27T23:00:00Z');
    expect(report).toMatchObject({ due: 6_000, messages: 6_000 });
    expect(new Set(queue.messages().map((message) => message.shopId)).size).toBe(6_000);
  });

  it('fails the run when the queue refuses a batch, so that Lambda retries it', async () => {
    const index = fakeIndex();
    for (let i = 0; i < 1_000; i += 1) index.repo.add('NOTICE', '2026-11-28', `s${i}`);
    await expect(dispatchDueWork(depsOf(index.repo, recordingQueue({ failOnSend: 2 }).queue), 'NOTICE', '2026-11-27T23:00:00Z')).rejects.toThrow('SQS is unavailable');
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
    await expect(dispatchDueWork(depsOf(broken, recordingQueue().queue), 'NOTICE', '2026-11-27T23:00:00Z')).rejects.toThrow(/Throughput/);
  });

  it('takes the clock when invoked without a scheduled time (a manual run), and refuses a malformed one', async () => {
    const index = fakeIndex();
    index.repo.add('NOTICE', '2026-11-28', 'manual');
    const queue = recordingQueue();
    const report = await dispatchDueWork(depsOf(index.repo, queue.queue), 'NOTICE', undefined);
    expect(report).toMatchObject({ date: '2026-11-28', due: 1 });
    expect(queue.messages()[0]?.scheduledTime).toBe('2026-11-27T23:00:00.000Z');
    await expect(dispatchDueWork(depsOf(index.repo, queue.queue), 'NOTICE', 'tomorrow')).rejects.toThrow(/not a timestamp/);
  });

  it('a sweep that fails does not fail the run (the next run sweeps again)', async () => {
    const index = fakeIndex();
    index.repo.add('NOTICE', '2026-11-28', 'one');
    const failing: DispatchDeps = { ...depsOf(index.repo, recordingQueue().queue), credits: { sweepAbandonedBlocks: () => Promise.reject(new Error('throttled')) } };
    expect(await dispatchDueWork(failing, 'NOTICE', '2026-11-27T23:00:00Z')).toMatchObject({ due: 1, blocksReleased: 0 });
  });
});

describe('DISPATCHED_KIND', () => {
  it('names every function that enqueues due work — the dispatchers and the workers putting a failed item back — each with its worker’s kind', () => {
    const enqueuesFor = (name: (typeof functionNames)[number]) => (FUNCTIONS[name] as FunctionDefinition).enqueuesFor;
    // The shop's retry of a FAILED cycle also feeds the charge worker, under its own kind (RETRY_ENQUEUED_KIND).
    const enqueuers = functionNames.filter((name) => (enqueuesFor(name) === 'noticeWorker' || enqueuesFor(name) === 'chargeWorker') && !(name in RETRY_ENQUEUED_KIND));
    expect(Object.keys(RETRY_ENQUEUED_KIND)).toEqual(['retryCycle']);
    expect(enqueuesFor('retryCycle')).toBe('chargeWorker');
    expect(Object.keys(DISPATCHED_KIND).sort()).toEqual([...enqueuers].sort());
    for (const name of enqueuers) {
      const worker = enqueuesFor(name);
      expect(DISPATCHED_KIND[name as keyof typeof DISPATCHED_KIND]).toBe(worker === 'noticeWorker' ? 'NOTICE' : 'CHARGE');
    }
  });
});

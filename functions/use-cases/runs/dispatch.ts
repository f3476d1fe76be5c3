/**
 * The daily runs' dispatchers: EventBridge Scheduler starts one at each run
 * time; it turns everything due up to the run's day — its own day's work and
 * whatever earlier runs left (catch-up: a missed run, a dead-lettered item, a
 * crashed worker's cycle) — into work messages on its worker's queue, then
 * sweeps the credit blocks dead workers left open, and returns. The workers
 * (SQS, at-least-once, idempotent) do the work.
 */
import type { Clock } from '../../core/clock.ts';
import { seoulDate } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import type { CreditsRepository } from '../../adapters/dynamodb/credits.repo.ts';
import type { DueEntry, DueWorkRepository } from '../../adapters/dynamodb/due-work.repo.ts';
import type { DueKind } from '../../adapters/dynamodb/keys.ts';
import type { WorkQueue } from '../../adapters/messaging/ports.ts';
import { WORK_MESSAGE_ITEMS, type FunctionName, type WorkMessage } from '../../../system/functions.ts';

/**
 * Which due work each function enqueues. A dispatcher pages that kind; a
 * worker puts a failed item back on its own queue under the same kind. The
 * local runtime, where every handler shares one process (and so one
 * WORK_QUEUE_URL), routes a message to the queue of the function's
 * `enqueuesFor` by this kind.
 */
export const DISPATCHED_KIND = { noticeRun: 'NOTICE', chargeRun: 'CHARGE', noticeWorker: 'NOTICE', chargeWorker: 'CHARGE' } as const satisfies Partial<Record<FunctionName, DueKind>>;

/** Shards queried at once: enough to hide query latency, few enough to stay far below a partition's read rate. */
export const DISPATCH_SHARD_CONCURRENCY = 8;

/** SendMessageBatch takes at most 10 entries. */
export const MESSAGES_PER_SEND = 10;

/** Items held back waiting for more of their shop before a partly filled message goes out anyway (memory stays flat). */
export const MAX_HELD_ITEMS = 5_000;

export interface DispatchReport {
  readonly kind: DueKind;
  /** The Seoul date whose work the run covers: the day it was scheduled for (and every day before it still due). */
  readonly date: string;
  /** Items found in the due index (each sent once in this run). */
  readonly due: number;
  /** Of those, the items due on an earlier day: work earlier runs left. */
  readonly overdue: number;
  /** Work messages put on the queue. */
  readonly messages: number;
  /** Credit blocks dead workers had left open, released (their credits back, `reserved` to 0). */
  readonly blocksReleased: number;
}

export interface DispatchDeps {
  readonly dueWork: DueWorkRepository;
  readonly workQueue: WorkQueue;
  readonly credits: Pick<CreditsRepository, 'sweepAbandonedBlocks'>;
  readonly clock: Clock;
}

/**
 * Dispatches the due work of one kind.
 *
 * Primary course: the run's date is the Seoul date of the time it was
 * scheduled for (a late or repeated trigger works on its own day); every
 * shard of the due index is paged up to that date, a few shards at a time;
 * items are grouped by shop (a message holds one shop's: one credit block,
 * one read of the shop), WORK_MESSAGE_ITEMS to a message, ten messages per
 * SendMessageBatch, while paging continues. Then abandoned credit blocks are
 * swept.
 * Alternates: a send fails → the run fails (Lambda retries it, then the DLQ);
 * a rerun — a retry, a second schedule, an operator, tomorrow's run — sends
 * again whatever is still in the index. That is what repairs a crash: items
 * leave the index only when their step is done, and the workers are
 * idempotent, so an item sent twice is done once. A sweep that fails is
 * logged; the next run sweeps again.
 */
export async function dispatchDueWork(deps: DispatchDeps, kind: DueKind, scheduledTime: string | undefined): Promise<DispatchReport> {
  const at = scheduledTime ? new Date(scheduledTime) : deps.clock.now();
  if (Number.isNaN(at.getTime())) throw new Error(`scheduledTime "${scheduledTime}" is not a timestamp`);
  const date = seoulDate(at);
  const runTime = scheduledTime ?? at.toISOString();

  let due = 0;
  let overdue = 0;
  let messages = 0;
  let held = 0;
  const byShop = new Map<string, WorkMessage['items'][number][]>();
  let ready: WorkMessage[] = [];
  let failure: unknown;

  const send = async (batch: WorkMessage[]) => {
    if (batch.length === 0) return;
    await deps.workQueue.send(batch);
    messages += batch.length;
  };
  const close = (shopId: string) => {
    const items = byShop.get(shopId) ?? [];
    byShop.delete(shopId);
    held -= items.length;
    if (items.length > 0) ready.push({ kind, date, scheduledTime: runTime, shopId, items });
  };
  // Synchronous up to the send, so that shards running side by side never put an item in two messages.
  const add = async (entry: DueEntry) => {
    due += 1;
    if (entry.date < date) overdue += 1;
    const items = byShop.get(entry.shopId) ?? [];
    items.push({ subscriptionId: entry.subscriptionId, deliveryDate: entry.deliveryDate });
    byShop.set(entry.shopId, items);
    held += 1;
    if (items.length >= WORK_MESSAGE_ITEMS) close(entry.shopId);
    // Many shops with a few items each: the largest partial message goes out rather than holding everything.
    else if (held > MAX_HELD_ITEMS) close([...byShop.entries()].sort((a, b) => b[1].length - a[1].length)[0]![0]);
    if (ready.length < MESSAGES_PER_SEND) return;
    const batch = ready;
    ready = [];
    await send(batch);
  };

  let nextShard = 0;
  const lane = async () => {
    while (failure === undefined && nextShard < deps.dueWork.shards) {
      const shard = nextShard;
      nextShard += 1;
      try {
        for await (const entry of deps.dueWork.findDueInShard(kind, date, shard)) {
          if (failure !== undefined) return;
          await add(entry);
        }
      } catch (error) {
        // The first failure stops every lane; the run fails and is retried whole.
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(DISPATCH_SHARD_CONCURRENCY, deps.dueWork.shards) }, lane));
  if (failure !== undefined) {
    logger.error('Dispatch failed; a rerun sends what is still due', { kind, date, due, messages, error: failure as Error });
    throw failure;
  }
  for (const shopId of [...byShop.keys()]) close(shopId);
  for (let start = 0; start < ready.length; start += MESSAGES_PER_SEND) await send(ready.slice(start, start + MESSAGES_PER_SEND));

  // Each run ends by returning what dead workers' credit blocks hold (docs/data-model.md, "Abandoned blocks").
  let blocksReleased = 0;
  try {
    blocksReleased = (await deps.credits.sweepAbandonedBlocks(deps.clock.now())).length;
  } catch (error) {
    logger.warn('Sweeping abandoned credit blocks failed; the next run sweeps again', { error: error as Error });
  }
  if (overdue > 0) logger.warn('Due work from earlier days dispatched (catch-up)', { kind, date, overdue });
  logger.info('Due work dispatched', { kind, date, due, overdue, messages, blocksReleased });
  return { kind, date, due, overdue, messages, blocksReleased };
}

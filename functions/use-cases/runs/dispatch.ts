/**
 * The daily runs' dispatchers: EventBridge Scheduler starts one at each run
 * time; it turns the day's due index into work messages on its worker's queue
 * and returns. The workers (SQS, at-least-once, idempotent) do the work.
 */
import type { Clock } from '../../core/clock.ts';
import { seoulDate } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import type { DueKind, ItemKey } from '../../adapters/dynamodb/keys.ts';
import type { DueWorkRepository } from '../../adapters/dynamodb/due-work.repo.ts';
import type { WorkQueue } from '../../adapters/messaging/ports.ts';
import { WORK_MESSAGE_KEYS, type FunctionName, type WorkMessage } from '../../../system/functions.ts';

/**
 * Which due work each dispatcher pages. Its handler passes this kind; the
 * local runtime, where every handler shares one process (and so one
 * WORK_QUEUE_URL), routes a message to the queue of the dispatcher's
 * `enqueuesFor` by the same kind.
 */
export const DISPATCHED_KIND = { noticeRun: 'NOTICE', chargeRun: 'CHARGE' } as const satisfies Partial<Record<FunctionName, DueKind>>;

/** Shards queried at once: enough to hide query latency, few enough to stay far below a partition's read rate. */
export const DISPATCH_SHARD_CONCURRENCY = 8;

/** SendMessageBatch takes at most 10 entries. */
export const MESSAGES_PER_SEND = 10;

export interface DispatchReport {
  readonly kind: DueKind;
  /** The Seoul date whose work the run covers: the day it was scheduled for. */
  readonly date: string;
  /** Items found in the due index (each sent once in this run). */
  readonly due: number;
  /** Work messages put on the queue. */
  readonly messages: number;
}

export interface DispatchDeps {
  readonly dueWork: DueWorkRepository;
  readonly workQueue: WorkQueue;
  readonly clock: Clock;
}

/**
 * Dispatches one day's due work of one kind.
 *
 * Primary course: the run's date is the Seoul date of the time it was
 * scheduled for (a late or repeated trigger works on its own day); every
 * shard of the due index for (kind, date) is paged, a few shards at a time;
 * the keys go out in messages of WORK_MESSAGE_KEYS, ten messages per
 * SendMessageBatch, while paging continues (memory stays flat at a million).
 * Alternates: a send fails → the run fails (Lambda retries it, then the DLQ);
 * a rerun — a retry, a second schedule, an operator — sends again whatever is
 * still in the index. That is what repairs a crash: items leave the index
 * only when their step is done, and the workers are idempotent, so a key sent
 * twice is done once.
 */
export async function dispatchDueWork(deps: DispatchDeps, kind: DueKind, scheduledTime: string | undefined): Promise<DispatchReport> {
  const at = scheduledTime ? new Date(scheduledTime) : deps.clock.now();
  if (Number.isNaN(at.getTime())) throw new Error(`scheduledTime "${scheduledTime}" is not a timestamp`);
  const date = seoulDate(at);
  const runTime = scheduledTime ?? at.toISOString();

  let due = 0;
  let messages = 0;
  let keys: ItemKey[] = [];
  let ready: WorkMessage[] = [];
  let failure: unknown;

  const send = async (batch: WorkMessage[]) => {
    if (batch.length === 0) return;
    await deps.workQueue.send(batch);
    messages += batch.length;
  };
  // Synchronous up to the send, so that shards running side by side never put a key in two messages.
  const add = async (key: ItemKey) => {
    due += 1;
    keys.push(key);
    if (keys.length < WORK_MESSAGE_KEYS) return;
    ready.push({ kind, date, scheduledTime: runTime, keys });
    keys = [];
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
        for await (const key of deps.dueWork.findDueInShard(kind, date, shard)) {
          if (failure !== undefined) return;
          await add(key);
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

  if (keys.length > 0) ready.push({ kind, date, scheduledTime: runTime, keys });
  await send(ready);
  logger.info('Due work dispatched', { kind, date, due, messages });
  return { kind, date, due, messages };
}

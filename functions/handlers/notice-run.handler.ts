import type { ScheduledRunEvent } from '../../system/functions.ts';
import { observed } from '../core/observability.ts';
import { DISPATCHED_KIND, dispatchDueWork } from '../use-cases/runs/dispatch.ts';
import { creditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import { dueWorkRepository } from '../adapters/dynamodb/due-work.repo.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const dispatchDeps = { ...table({ dueWork: (client, name) => dueWorkRepository(client, name), credits: creditsRepository }), workQueue };

/** Daily D-2 payment-notice dispatcher (S17), triggered by EventBridge Scheduler: fills the notice worker's queue with everything due. */
export const handler = observed((event: ScheduledRunEvent) => dispatchDueWork(dispatchDeps, DISPATCHED_KIND.noticeRun, event.scheduledTime));

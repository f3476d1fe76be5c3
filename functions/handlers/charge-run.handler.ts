import type { ScheduledRunEvent } from '../../system/functions.ts';
import { dispatchMeasures, record } from '../core/metrics.ts';
import { observed } from '../core/observability.ts';
import { DISPATCHED_KIND, dispatchDueWork } from '../use-cases/runs/dispatch.ts';
import { creditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import { dueWorkRepository } from '../adapters/dynamodb/due-work.repo.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const dispatchDeps = { ...table({ dueWork: (client, name) => dueWorkRepository(client, name), credits: creditsRepository }), workQueue };

/**
 * Daily D-1 charge dispatcher (S17), triggered by EventBridge Scheduler: fills the charge worker's queue with
 * everything due, and reports the cycles it found due on an earlier day — cycles a run left behind, taken up
 * now (an alarm watches it).
 */
export const handler = observed(async (event: ScheduledRunEvent) => {
  const report = await dispatchDueWork(dispatchDeps, DISPATCHED_KIND.chargeRun, event.scheduledTime);
  const leftBehind = report.overdue;
  record(dispatchMeasures({ kind: report.kind, leftBehind }));
  return { ...report, leftBehind };
});

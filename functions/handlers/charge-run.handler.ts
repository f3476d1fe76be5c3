import type { ScheduledRunEvent } from '../../system/functions.ts';
import { addDays } from '../core/dates.ts';
import { dispatchMeasures, record } from '../core/metrics.ts';
import { observed } from '../core/observability.ts';
import { DISPATCHED_KIND, dispatchDueWork } from '../use-cases/runs/dispatch.ts';
import { countDue } from '../use-cases/runs/left-behind.ts';
import { deps } from '../wiring.ts';

/**
 * Daily D-1 charge dispatcher (S17), triggered by EventBridge Scheduler: fills the charge worker's queue, and
 * reports the cycles of the day before still in the charge index — a run left them behind (an alarm watches it).
 */
export const handler = observed(async (event: ScheduledRunEvent) => {
  const report = await dispatchDueWork(deps, DISPATCHED_KIND.chargeRun, event.scheduledTime);
  const leftBehind = await countDue(deps.dueWork, 'CHARGE', addDays(report.date, -1));
  record(dispatchMeasures({ kind: report.kind, leftBehind }));
  return { ...report, leftBehind };
});

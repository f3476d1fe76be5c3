import type { ScheduledRunEvent } from '../../system/functions.ts';
import { DISPATCHED_KIND, dispatchDueWork } from '../use-cases/runs/dispatch.ts';
import { deps } from '../wiring.ts';
import { workQueue } from '../wiring/work-queue.ts';

const dispatchDeps = { dueWork: deps.dueWork, credits: deps.credits, clock: deps.clock, workQueue };

/** Daily D-2 payment-notice dispatcher (S17), triggered by EventBridge Scheduler: fills the notice worker's queue with everything due. */
export const handler = (event: ScheduledRunEvent) => dispatchDueWork(dispatchDeps, DISPATCHED_KIND.noticeRun, event.scheduledTime);

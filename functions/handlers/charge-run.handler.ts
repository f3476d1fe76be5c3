import type { ScheduledRunEvent } from '../../system/functions.ts';
import { DISPATCHED_KIND, dispatchDueWork } from '../use-cases/runs/dispatch.ts';
import { deps } from '../wiring.ts';

/** Daily D-1 charge dispatcher (S17), triggered by EventBridge Scheduler: fills the charge worker's queue. */
export const handler = (event: ScheduledRunEvent) => dispatchDueWork(deps, DISPATCHED_KIND.chargeRun, event.scheduledTime);

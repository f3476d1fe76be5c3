import type { ScheduledRunEvent } from '../../system/functions.ts';
import { observed } from '../core/observability.ts';
import { DISPATCHED_KIND, dispatchDueWork } from '../use-cases/runs/dispatch.ts';
import { deps } from '../wiring.ts';

/** Daily D-2 payment-notice dispatcher (S17), triggered by EventBridge Scheduler: fills the notice worker's queue. */
export const handler = observed((event: ScheduledRunEvent) => dispatchDueWork(deps, DISPATCHED_KIND.noticeRun, event.scheduledTime));

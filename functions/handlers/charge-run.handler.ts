import type { ScheduledRunEvent } from '../../system/functions.ts';
import { scanDueWork } from '../use-cases/scan-due-work.ts';
import { deps } from '../wiring.ts';

/** Daily D-1 charge run (S17), triggered by EventBridge Scheduler. */
export const handler = async (event: Partial<ScheduledRunEvent>) => scanDueWork(deps, 'CHARGE', event.scheduledTime);

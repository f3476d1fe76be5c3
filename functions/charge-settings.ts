/**
 * The charge runs' settings (S17), in a module of their own with no runtime
 * dependencies beyond system/functions.ts: the run times, from which a
 * declined card's retry is scheduled, and the retry window. Set on the queue
 * workers and the REVIEW resolve (`readsChargeSettings`); elsewhere the
 * defaults. A malformed value fails the cold start with its problem.
 */
import { chargeRetryDaysFrom, parseRunTime, runTimesEnvName, SCHEDULE_DEFAULTS } from '../system/functions.ts';
import type { RunTime } from './domain/delivery-schedule.ts';

/**
 * The charge run times, read like the schedules are (local/scheduler.ts's
 * runTimesFrom, lib/app-config.ts): CHARGE_RUN_TIMES="10:00,17:00", else
 * SCHEDULE_DEFAULTS. The deployed worker must get the same value as the
 * schedule, or retries would wait for runs that never come.
 */
export function chargeRunTimesFrom(env: NodeJS.ProcessEnv): RunTime[] {
  const configured = env[runTimesEnvName('chargeRunTimes')]?.split(',').map((time) => time.trim()).filter(Boolean);
  const times = configured?.length ? configured : SCHEDULE_DEFAULTS.chargeRunTimes;
  return times.map(parseRunTime);
}

export const chargeSettings = {
  chargeRunTimes: chargeRunTimesFrom(process.env),
  chargeRetryDays: chargeRetryDaysFrom(process.env),
} as const;

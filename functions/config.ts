/**
 * Configuration, read once at module load; a missing variable fails the cold
 * start with its name rather than a confusing error later.
 */
import { chargeRetryDaysFrom, ENV } from '../system/functions.ts';
import { chargeRunTimesFrom } from './use-cases/runs/charge.ts';

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    throw new Error(`Missing required environment variable ${name}`);
  }
  return value;
}

export const config = {
  tableName: required(ENV.tableName),
  mailFrom: required(ENV.mailFrom),
  stage: process.env[ENV.stage] ?? 'dev',
  /** Local runtime only (never set in AWS): webhook endpoints may be http://localhost. */
  webhooksAllowLocalHttp: process.env[ENV.webhooksAllowLocalHttp] === 'true',
} as const;

/**
 * The charge runs' settings (S17): their times, from which a declined card's
 * retry is scheduled, and the retry window. Set on the queue workers and the
 * REVIEW resolve (`readsChargeSettings`); elsewhere the defaults. A malformed
 * value fails the cold start with its problem.
 */
export const chargeSettings = {
  chargeRunTimes: chargeRunTimesFrom(process.env),
  chargeRetryDays: chargeRetryDaysFrom(process.env),
} as const;

/**
 * Configuration, read once at module load; a missing variable fails the cold
 * start with its name rather than a confusing error later.
 */
import { ENV } from '../system/functions.ts';

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

/** The charge runs' settings (S17): functions/charge-settings.ts, a module of its own. */
export { chargeSettings } from './charge-settings.ts';

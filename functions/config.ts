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
} as const;

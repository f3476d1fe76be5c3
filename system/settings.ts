/**
 * Every setting's parser, in one place (STYLE: settings read in one place):
 * the laptop's environment (`npm start`), the CDK context (`cdk synth`/
 * `deploy`, lib/app-config.ts) and the handlers' environment (functions/)
 * read their values through these. A bad or missing value throws a
 * SettingError whose message is ONE line naming the setting and the values
 * it accepts; `npm start` and the CDK app print that line and exit 1 —
 * never a stack trace, and never later in a worker.
 */
import { CHARGE_RETRY, SCHEDULE_DEFAULTS, parseRunTime } from './functions.ts';

export class SettingError extends Error {
  constructor(
    readonly setting: string,
    accepted: string,
    got: unknown,
  ) {
    super(`Setting ${setting}: ${got === undefined ? 'missing' : `${JSON.stringify(got)} is not accepted`}; use ${accepted}.`);
    this.name = 'SettingError';
  }
}

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A comma-separated (or JSON-array) list of HH:mm times in Asia/Seoul; the default when unset or empty. */
export function parseRunTimes(value: unknown, setting: string, defaults: readonly string[]): string[] {
  const accepted = 'one or more HH:mm times (00:00–23:59, Asia/Seoul), comma-separated, e.g. "10:00,17:00"';
  if (value === undefined || value === '') return [...defaults];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : null;
  if (!list) throw new SettingError(setting, accepted, value);
  const times = list.map((time) => (typeof time === 'string' ? time.trim() : time));
  if (times.length === 0 || times.some((time) => typeof time !== 'string')) throw new SettingError(setting, accepted, value);
  for (const time of times as string[]) {
    try {
      parseRunTime(time);
    } catch {
      throw new SettingError(setting, accepted, value);
    }
  }
  if (new Set(times).size !== times.length) throw new SettingError(setting, `${accepted}, each once`, value);
  return times as string[];
}

/** Days after the charge date a declined card is still retried. */
export function parseRetryDays(value: unknown, setting: string = CHARGE_RETRY.env): number {
  if (value === undefined || value === '') return CHARGE_RETRY.defaultDays;
  const days = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(days) || days < 0 || days > CHARGE_RETRY.maxDays) throw new SettingError(setting, `a whole number of days from 0 to ${CHARGE_RETRY.maxDays}`, value);
  return days;
}

/** The local API port: the next six ports are the embedded services'. */
export function parsePort(value: unknown, setting = 'PORT'): number {
  if (value === undefined || value === '') return 3000;
  const port = Number(value);
  if (!/^\d+$/.test(String(value)) || !Number.isInteger(port) || port > 65_529) throw new SettingError(setting, 'a port number from 0 to 65529 (0 picks free ports; the next six ports are used too)', value);
  return port;
}

export function parseLogLevel(value: unknown, setting = 'LOG_LEVEL'): LogLevel {
  if (value === undefined || value === '') return 'INFO';
  const level = String(value).toUpperCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new SettingError(setting, `one of ${LOG_LEVELS.join(', ')}`, value);
  return level as LogLevel;
}

// Deliberately simple: SES verifies the real address; this catches typos and list/quoting mistakes.
const EMAIL = /^[^\s@,;<>"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

export function parseEmail(value: unknown, setting: string, fallback?: string): string {
  if ((value === undefined || value === '') && fallback !== undefined) return fallback;
  if (typeof value !== 'string' || !EMAIL.test(value.trim())) throw new SettingError(setting, 'an email address, e.g. no-reply@example.com', value);
  return value.trim();
}

/** SANDBOX_PG_DELAY_MS: how long the local sandbox PG takes to answer a charge or a look-up (a slow PG for the bench). */
export function parseSandboxPgDelay(value: unknown, setting = 'SANDBOX_PG_DELAY_MS'): number {
  if (value === undefined || value === '') return 0;
  const ms = Number(value);
  if (!/^\d+$/.test(String(value)) || ms > 60_000) throw new SettingError(setting, 'whole milliseconds from 0 to 60000', value);
  return ms;
}

/** What `npm start` runs with (README, "Running locally"). */
export interface LocalSettings {
  readonly port: number;
  /** A folder for the embedded data, or 'memory'. */
  readonly data: string;
  readonly runTimes: Readonly<Record<keyof typeof SCHEDULE_DEFAULTS, readonly string[]>>;
  readonly chargeRetryDays: number;
  readonly mailFrom: string;
  readonly logLevel: LogLevel;
  readonly logFormat: 'json' | 'text';
  /** Milliseconds the sandbox PG takes per charge or look-up (0). */
  readonly sandboxPgDelayMs: number;
}

/** Reads and checks every local setting at once, before anything starts. */
export function readLocalSettings(env: NodeJS.ProcessEnv): LocalSettings {
  const data = env.LOCAL_DATA ?? '.local';
  if (data.trim() === '') throw new SettingError('LOCAL_DATA', 'a folder for the embedded data, or "memory"', data);
  return {
    port: parsePort(env.PORT),
    data,
    runTimes: {
      noticeRunTimes: parseRunTimes(env.NOTICE_RUN_TIMES, 'NOTICE_RUN_TIMES', SCHEDULE_DEFAULTS.noticeRunTimes),
      chargeRunTimes: parseRunTimes(env.CHARGE_RUN_TIMES, 'CHARGE_RUN_TIMES', SCHEDULE_DEFAULTS.chargeRunTimes),
      maintenanceRunTimes: parseRunTimes(env.MAINTENANCE_RUN_TIMES, 'MAINTENANCE_RUN_TIMES', SCHEDULE_DEFAULTS.maintenanceRunTimes),
    },
    chargeRetryDays: parseRetryDays(env[CHARGE_RETRY.env]),
    mailFrom: parseEmail(env.MAIL_FROM, 'MAIL_FROM', 'no-reply@subscriptions.local'),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    logFormat: parseLogFormat(env[LOG_FORMAT_ENV] ?? 'text'),
    sandboxPgDelayMs: parseSandboxPgDelay(env.SANDBOX_PG_DELAY_MS),
  };
}

/** How handlers write logs: `json` (Powertools' structured lines, AWS) or `text` (one readable line, `npm start`). */
export const LOG_FORMAT_ENV = 'LOG_FORMAT';
export function parseLogFormat(value: unknown): 'json' | 'text' {
  if (value === undefined || value === '' || value === 'json') return 'json';
  if (value === 'text') return 'text';
  throw new SettingError(LOG_FORMAT_ENV, '"json" or "text"', value);
}

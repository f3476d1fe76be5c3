/**
 * The deployment's settings, read once from CDK context (cdk.json, `-c key=value`)
 * and validated before any construct is created, so a typo fails the synth with
 * the setting's name instead of producing a template that fails at deploy time.
 */
import type { Node } from 'constructs';
import { SCHEDULE_DEFAULTS, parseRunTime, CHARGE_RETRY } from '../system/functions.ts';

/** The settings that hold each scheduled run's times (see SCHEDULE_DEFAULTS). */
export type RunTimesSetting = keyof typeof SCHEDULE_DEFAULTS;

export interface AppConfig {
  /** Lower-case stage name; `dev` is disposable, anything else keeps its data. */
  readonly stage: string;
  /** `https://` issuer URL of the identity provider whose JWTs the API accepts. */
  readonly jwtIssuer: string;
  /** Accepted `aud` values (at least one). */
  readonly jwtAudience: readonly string[];
  /** Browser origins allowed by CORS; empty means no CORS preflight at all. */
  readonly corsOrigins: readonly string[];
  /** The address mail is sent from; SES permissions are scoped to it. */
  readonly mailFrom: string;
  /** HH:mm (Asia/Seoul) times per scheduled-run setting. */
  readonly runTimes: Readonly<Record<RunTimesSetting, readonly string[]>>;
  /** Days after the charge date a declined card is still retried (context `chargeRetryDays`, default 3). */
  readonly chargeRetryDays: number;
  /** Steady-state requests per second for the API's default stage. */
  readonly apiRateLimit: number;
  /** Burst bucket size for the API's default stage. */
  readonly apiBurstLimit: number;
}

/**
 * Defaults for settings that have a sensible value everywhere. Settings that
 * name external things (issuer, audience, mail sender) have no code default:
 * cdk.json carries the dev placeholders. Run times default to SCHEDULE_DEFAULTS.
 */
export const CONTEXT_DEFAULTS = {
  apiRateLimit: 100,
  apiBurstLimit: 200,
} as const;

/** Name prefix for stacks and named resources, e.g. `Subscriptions-prod`. */
export function namePrefix(stage: string): string {
  return `Subscriptions-${stage}`;
}

/** `dev` is the only stage whose data may be destroyed with its stack. */
export function isDisposable(config: Pick<AppConfig, 'stage'>): boolean {
  return config.stage === 'dev';
}

export class ConfigError extends Error {
  constructor(setting: string, problem: string) {
    super(`Invalid CDK context "${setting}": ${problem}`);
    this.name = 'ConfigError';
  }
}

const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,14}[a-z0-9]$|^[a-z]$/;
// Deliberately simple: SES verifies the real address; this catches typos and list/quoting mistakes.
const EMAIL_PATTERN = /^[^\s@,;<>"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Reads and validates every setting; throws a ConfigError naming the first bad one. */
export function readConfig(node: Node): AppConfig {
  const get = (key: string): unknown => node.tryGetContext(key);

  const stage = requiredString(get('stage'), 'stage');
  if (!STAGE_PATTERN.test(stage)) {
    throw new ConfigError('stage', `"${stage}" must be 1–16 lower-case letters, digits or dashes, starting with a letter`);
  }

  const jwtIssuer = requiredString(get('jwtIssuer'), 'jwtIssuer');
  // API Gateway's JWT authorizer only fetches keys over HTTPS from the issuer's discovery document.
  if (!isUrl(jwtIssuer, 'https:')) throw new ConfigError('jwtIssuer', `"${jwtIssuer}" must be an https:// URL`);

  const jwtAudience = stringList(get('jwtAudience'), 'jwtAudience');
  if (jwtAudience.length === 0) throw new ConfigError('jwtAudience', 'at least one audience is required');

  const corsOrigins = stringList(get('corsOrigins') ?? [], 'corsOrigins');
  for (const origin of corsOrigins) {
    if (origin !== '*' && !isOrigin(origin)) {
      throw new ConfigError('corsOrigins', `"${origin}" is not an origin (scheme://host[:port], no path) or "*"`);
    }
  }

  const mailFrom = requiredString(get('mailFrom'), 'mailFrom');
  if (!EMAIL_PATTERN.test(mailFrom)) throw new ConfigError('mailFrom', `"${mailFrom}" is not an email address`);

  const runTimes = {} as Record<RunTimesSetting, readonly string[]>;
  for (const setting of Object.keys(SCHEDULE_DEFAULTS) as RunTimesSetting[]) {
    runTimes[setting] = runTimeList(get(setting) ?? SCHEDULE_DEFAULTS[setting], setting);
  }

  const apiRateLimit = positiveNumber(get('apiRateLimit') ?? CONTEXT_DEFAULTS.apiRateLimit, 'apiRateLimit', false);
  const apiBurstLimit = positiveNumber(get('apiBurstLimit') ?? CONTEXT_DEFAULTS.apiBurstLimit, 'apiBurstLimit', true);

  const retryDays = get(CHARGE_RETRY.context) ?? CHARGE_RETRY.defaultDays;
  const chargeRetryDays = Number(retryDays);
  if (!Number.isInteger(chargeRetryDays) || chargeRetryDays < 0 || chargeRetryDays > CHARGE_RETRY.maxDays) {
    throw new ConfigError(CHARGE_RETRY.context, `"${String(retryDays)}" is not a whole number of days from 0 to ${CHARGE_RETRY.maxDays}`);
  }

  return { stage, jwtIssuer, jwtAudience, corsOrigins, mailFrom, runTimes, chargeRetryDays, apiRateLimit, apiBurstLimit };
}

function requiredString(value: unknown, setting: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(setting, 'is required (set it in cdk.json or pass -c ' + setting + '=...)');
  }
  return value.trim();
}

/**
 * cdk.json gives arrays; `-c key=value` on the command line gives strings, so
 * a list also accepts a JSON array string or a comma-separated string.
 */
function stringList(value: unknown, setting: string): string[] {
  let list: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('[')) {
      try {
        list = JSON.parse(text);
      } catch {
        throw new ConfigError(setting, `"${text}" is not a valid JSON array`);
      }
    } else {
      list = text === '' ? [] : text.split(',');
    }
  }
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) {
    throw new ConfigError(setting, 'must be a list of strings (JSON array or comma-separated)');
  }
  const items = list.map((item: string) => item.trim());
  if (items.some((item) => item === '')) throw new ConfigError(setting, 'contains an empty entry');
  if (new Set(items).size !== items.length) throw new ConfigError(setting, 'contains a duplicate entry');
  return items;
}

function runTimeList(value: unknown, setting: string): string[] {
  const times = stringList(value, setting);
  if (times.length === 0) throw new ConfigError(setting, 'at least one HH:mm time is required');
  for (const time of times) {
    try {
      parseRunTime(time);
    } catch (error) {
      throw new ConfigError(setting, (error as Error).message);
    }
  }
  return times;
}

function positiveNumber(value: unknown, setting: string, integer: boolean): number {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new ConfigError(setting, `${JSON.stringify(value)} must be a positive ${integer ? 'integer' : 'number'}`);
  }
  return number;
}

function isUrl(text: string, protocol: string): boolean {
  try {
    return new URL(text).protocol === protocol;
  } catch {
    return false;
  }
}

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text;
  } catch {
    return false;
  }
}

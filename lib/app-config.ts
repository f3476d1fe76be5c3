/**
 * The deployment's settings, read once from CDK context (cdk.json, `-c key=value`)
 * and validated before any construct is created, so a typo fails the synth with
 * the setting's name instead of producing a template that fails at deploy time.
 */
import type { Node } from 'constructs';
import { SCHEDULE_DEFAULTS, parseRunTime, CHARGE_RETRY } from '../system/functions.ts';
import { parseRetryDays } from '../system/settings.ts';

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
  /** Steady-state requests per second for the API's default stage (every authenticated route). */
  readonly apiRateLimit: number;
  /** Burst bucket size for the API's default stage. */
  readonly apiBurstLimit: number;
  /** The same for each public route (no token): lower, so anonymous traffic cannot use up the API's share. */
  readonly publicRateLimit: number;
  readonly publicBurstLimit: number;
  /** Where alarms are mailed (an SNS email subscription); required outside the dev stage. */
  readonly alarmEmail?: string;
}

/**
 * Defaults for settings that have a sensible value everywhere. Settings that
 * name external things (issuer, audience, mail sender) have no code default:
 * cdk.json carries the dev placeholders. Run times default to SCHEDULE_DEFAULTS.
 */
export const CONTEXT_DEFAULTS = {
  apiRateLimit: 100,
  apiBurstLimit: 200,
  publicRateLimit: 20,
  publicBurstLimit: 40,
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

  // No default stage: `cdk deploy` without -c stage=<name> stops here rather than deploying a disposable "dev".
  const stage = requiredString(get('stage'), 'stage', 'pass -c stage=<name>; only "dev" is disposable (its table is destroyed with the stack)');
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
    // A localhost origin lets any page served on a developer's machine call the API with a user's token.
    if (!isDisposable({ stage }) && (origin === '*' || isLocalOrigin(origin))) {
      throw new ConfigError('corsOrigins', `"${origin}" is allowed on the dev stage only; list your storefront and console origins (https://…) for "${stage}"`);
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

  const publicRateLimit = positiveNumber(get('publicRateLimit') ?? Math.min(CONTEXT_DEFAULTS.publicRateLimit, apiRateLimit), 'publicRateLimit', false);
  const publicBurstLimit = positiveNumber(get('publicBurstLimit') ?? Math.min(CONTEXT_DEFAULTS.publicBurstLimit, apiBurstLimit), 'publicBurstLimit', true);
  if (publicRateLimit > apiRateLimit || publicBurstLimit > apiBurstLimit) {
    throw new ConfigError('publicRateLimit', `public routes must be throttled at or below the API's own limits (${apiRateLimit}/s, burst ${apiBurstLimit})`);
  }

  const retryDays = get(CHARGE_RETRY.context);
  let chargeRetryDays: number;
  try {
    chargeRetryDays = parseRetryDays(retryDays, CHARGE_RETRY.context);
  } catch {
    throw new ConfigError(CHARGE_RETRY.context, `"${String(retryDays)}" is not a whole number of days from 0 to ${CHARGE_RETRY.maxDays}`);
  }

  const alarmEmailValue = get('alarmEmail');
  let alarmEmail: string | undefined;
  if (alarmEmailValue === undefined || alarmEmailValue === '') {
    if (!isDisposable({ stage })) throw new ConfigError('alarmEmail', `is required for stage "${stage}" (pass -c alarmEmail=ops@example.com): alarms must reach someone`);
  } else if (typeof alarmEmailValue !== 'string' || !EMAIL_PATTERN.test(alarmEmailValue.trim())) {
    throw new ConfigError('alarmEmail', `${JSON.stringify(alarmEmailValue)} is not an email address`);
  } else {
    alarmEmail = alarmEmailValue.trim();
  }

  return { stage, jwtIssuer, jwtAudience, corsOrigins, mailFrom, runTimes, chargeRetryDays, apiRateLimit, apiBurstLimit, publicRateLimit, publicBurstLimit, ...(alarmEmail ? { alarmEmail } : {}) };
}

function requiredString(value: unknown, setting: string, how = `set it in cdk.json or pass -c ${setting}=...`): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(setting, `is required (${how})`);
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

function isLocalOrigin(origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '127.0.0.1' || host === '[::1]' || host === '0.0.0.0';
}

function isOrigin(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === text;
  } catch {
    return false;
  }
}

/**
 * What the system is: every Lambda function, the HTTP route or schedule that
 * invokes it, the role it requires, and exactly which AWS actions it needs.
 * lib/ builds API routes, functions, IAM grants and schedules from this list;
 * local/ mounts the same handlers and fires the same schedules.
 */

export type Role = 'customer' | 'admin' | 'platform';
export type Auth = Role | 'public';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** DynamoDB actions a function may be granted on the table and its indexes. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem'
  | 'dynamodb:ConditionCheckItem';

/** Outbound channels; each becomes a scoped SES or SNS permission. */
export type Channel = 'mail' | 'sms';

interface FunctionBase {
  /** Path of the module exporting `handler`, relative to the repository root. */
  readonly entry: string;
  readonly description: string;
  readonly tableActions: readonly TableAction[];
  readonly sends: readonly Channel[];
  /** Seconds; the default suits an API call, runs declare their own. */
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
}

export interface HttpFunction extends FunctionBase {
  readonly kind: 'http';
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/admin/products/{productId}`. */
  readonly path: string;
  readonly auth: Auth;
}

/** A daily run at a wall-clock time in Asia/Seoul. */
export interface ScheduledFunction extends FunctionBase {
  readonly kind: 'scheduled';
  /** The setting that holds its times (CDK context / local env), see SCHEDULE_DEFAULTS. */
  readonly timesSetting: keyof typeof SCHEDULE_DEFAULTS;
}

export type FunctionDefinition = HttpFunction | ScheduledFunction;

/** Every schedule runs in this zone; dates in the domain are Seoul calendar dates. */
export const SCHEDULE_TIME_ZONE = 'Asia/Seoul';

/**
 * Default daily run times (HH:mm, Asia/Seoul). S17: the notice goes out two
 * days before delivery, the charge one day before; the charge runs twice a
 * day so that a declined card is retried the same afternoon.
 */
export const SCHEDULE_DEFAULTS = {
  noticeRunTimes: ['08:00'],
  chargeRunTimes: ['10:00', '17:00'],
} as const satisfies Record<string, readonly string[]>;

export const FUNCTIONS = {
  health: {
    kind: 'http', method: 'GET', path: '/health', auth: 'public',
    entry: 'functions/handlers/health.handler.ts',
    description: 'Liveness and table reachability',
    tableActions: ['dynamodb:GetItem'], sends: [],
  },
  createShop: {
    kind: 'http', method: 'POST', path: '/platform/shops', auth: 'platform',
    entry: 'functions/handlers/create-shop.handler.ts',
    description: 'Platform registers a shop (operator email, product management generation)',
    tableActions: ['dynamodb:PutItem'], sends: [],
  },
  getService: {
    kind: 'http', method: 'GET', path: '/admin/service', auth: 'admin',
    entry: 'functions/handlers/get-service.handler.ts',
    description: "A merchant reads its subscription service's state (S6)",
    tableActions: ['dynamodb:GetItem'], sends: [],
  },
  noticeRun: {
    kind: 'scheduled', timesSetting: 'noticeRunTimes',
    entry: 'functions/handlers/notice-run.handler.ts',
    description: 'Daily D-2 payment-notice run (S17, S18)',
    tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    sends: ['mail', 'sms'], timeoutSeconds: 300, memoryMb: 512,
  },
  chargeRun: {
    kind: 'scheduled', timesSetting: 'chargeRunTimes',
    entry: 'functions/handlers/charge-run.handler.ts',
    description: 'Daily D-1 charge run (S17, S19)',
    tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
    sends: ['mail'], timeoutSeconds: 300, memoryMb: 512,
  },
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof FUNCTIONS;

export const functionNames = Object.keys(FUNCTIONS) as FunctionName[];

export function httpFunctions(): Array<[FunctionName, HttpFunction]> {
  return functionNames.flatMap((name) => {
    const fn: FunctionDefinition = FUNCTIONS[name];
    return fn.kind === 'http' ? [[name, fn] as [FunctionName, HttpFunction]] : [];
  });
}

export function scheduledFunctions(): Array<[FunctionName, ScheduledFunction]> {
  return functionNames.flatMap((name) => {
    const fn: FunctionDefinition = FUNCTIONS[name];
    return fn.kind === 'scheduled' ? [[name, fn] as [FunctionName, ScheduledFunction]] : [];
  });
}

/** Parses `HH:mm` into the parts a cron expression or a local timer needs. */
export function parseRunTime(time: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new Error(`Run time "${time}" is not HH:mm (00:00–23:59)`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The environment variable names both runtimes use to pass configuration to handlers. */
export const ENV = {
  tableName: 'TABLE_NAME',
  mailFrom: 'MAIL_FROM',
  stage: 'STAGE',
  /** Powertools reads it for the `service` key of every log line and trace. */
  serviceName: 'POWERTOOLS_SERVICE_NAME',
} as const;

/**
 * The payload every scheduled run receives. In AWS, EventBridge Scheduler
 * substitutes the context attribute with the time the run was due (not when it
 * was delivered), so a late or repeated trigger still works on its own day.
 */
export const SCHEDULED_RUN_INPUT = { scheduledTime: '<aws.scheduler.scheduled-time>' } as const;
export interface ScheduledRunEvent {
  readonly scheduledTime: string;
}

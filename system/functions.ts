/**
 * What the system is: every Lambda function, the HTTP route or schedule that
 * invokes it, the role it requires, and exactly which AWS actions it needs.
 * lib/ builds API routes, functions, IAM grants and schedules from this list;
 * local/ mounts the same handlers and fires the same schedules.
 */

import { parseRetryDays } from './settings.ts';
import { CHARGE_WORKER_TIMEOUT_SECONDS, NOTICE_WORKER_TIMEOUT_SECONDS, PRICE_CHANGE_WORKER_TIMEOUT_SECONDS, STOP_WORKER_TIMEOUT_SECONDS } from './worker-timeouts.ts';

export type Role = 'customer' | 'admin' | 'platform';
export type Auth = Role | 'public';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

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

/** Outbound channels; each becomes a scoped SES, SNS or EventBridge permission. */
export type Channel = 'mail' | 'sms' | 'events';

interface FunctionBase {
  readonly tableActions: readonly TableAction[];
  readonly sends: readonly Channel[];
  /** Seconds; the default suits an API call, runs declare their own. */
  readonly timeoutSeconds?: number;
  readonly memoryMb?: number;
  /**
   * Calls a payment gateway (issues, charges or deletes billing keys): the
   * function may open sealed PG credentials and billing keys (kms:Decrypt on
   * the secrets key) and seal billing keys; no other function may decrypt.
   */
  readonly usesGateway?: boolean;
  /**
   * Registers PG contracts: may seal PG credentials (kms:GenerateDataKey for
   * that purpose only) and never open them — credentials are write-only.
   */
  readonly sealsPgCredentials?: boolean;
  /**
   * Webhook signing secrets (issue 13): `seal` — the route that registers an endpoint may seal its secret
   * (kms:GenerateDataKey for purpose webhook-secret only, never Decrypt); `open` — the delivery worker may open
   * it (kms:Decrypt for purpose webhook-secret only). Nothing else touches them.
   */
  readonly webhookSecret?: 'seal' | 'open';
  /**
   * Gets the run times and the charge retry window, as every queue worker does:
   * it finishes a cycle the way the charge worker would (the REVIEW resolve).
   */
  readonly readsChargeSettings?: boolean;
  /**
   * The queue function whose queue this function puts messages on: it gets sqs:SendMessage on that queue
   * and its URL in WORK_QUEUE_URL. A dispatcher fills its worker's queue; the stop triggers (and the stop
   * worker itself, one step after another) fill the stop worker's.
   */
  readonly enqueuesFor?: string;
}

export interface HttpFunction extends FunctionBase {
  readonly kind: 'http';
  readonly method: HttpMethod;
  /** API Gateway path syntax: `/admin/products/{productId}`. */
  readonly path: string;
  readonly auth: Auth;
  /**
   * Creates or charges: honours an `Idempotency-Key` header (issue 13; functions/http/idempotency.ts). Its
   * keys live in the table (partition family `idempotency`), so the route also needs GetItem, PutItem,
   * UpdateItem and DeleteItem — test/unit/idempotency.test.ts checks that both are declared.
   */
  readonly idempotent?: true;
}

/** A daily run at a wall-clock time in Asia/Seoul. */
export interface ScheduledFunction extends FunctionBase {
  readonly kind: 'scheduled';
  /** The setting that holds its times (CDK context / local env), see SCHEDULE_DEFAULTS. */
  readonly timesSetting: keyof typeof SCHEDULE_DEFAULTS;
}

/**
 * A worker fed by an SQS queue (a dispatcher fills it). At-least-once: a
 * message may arrive twice or after a crash, so every step it takes is
 * idempotent; a message that fails is retried, then lands in the queue's DLQ.
 */
export interface QueueFunction extends FunctionBase {
  readonly kind: 'queue';
  readonly queue: {
    /** Messages per invocation (each message holds up to WORK_MESSAGE_KEYS items). */
    readonly batchSize: number;
    /** The event source's MaximumConcurrency: caps parallel workers so the PG and SES/SNS rates hold. */
    readonly maxConcurrency: number;
    /** Must exceed the worker's timeout (AWS requires ≥ the function timeout; 6× is the guidance). */
    readonly visibilityTimeoutSeconds: number;
    /** Deliveries before a message goes to the dead-letter queue. */
    readonly maxReceiveCount: number;
    /**
     * The event source's MaximumBatchingWindowInSeconds: Lambda gathers messages until the batch is full or the
     * first has waited this long (AWS requires ≥ 1 s for a batchSize above 10). Unset: a batch goes as soon as one
     * message is ready. The local queues play it in real time (local/queues.ts).
     */
    readonly maxBatchingWindowSeconds?: number;
  };
}

export type FunctionDefinition = HttpFunction | ScheduledFunction | QueueFunction;

/** The AWS SDK clients a function may create: what its definition declares, and nothing else (per-function wiring). */
export type SdkClient = 'dynamodb' | 'ses' | 'sns' | 'sqs' | 'eventbridge' | 'kms';

/**
 * The SDK clients a function needs, read from its definition: the table if it
 * has table actions, SES for mail, SNS for SMS, EventBridge for events, SQS if
 * it enqueues, KMS if it calls a PG, seals PG credentials or a webhook secret (each shop's contract
 * and the billing keys are sealed with it). The function's wiring creates
 * exactly these; the cold-start bench compares its init with a bare bundle of them.
 */
export function sdkClientsOf(definition: FunctionDefinition): SdkClient[] {
  const clients: SdkClient[] = [];
  if (definition.tableActions.length > 0) clients.push('dynamodb');
  if (definition.sends.includes('mail')) clients.push('ses');
  if (definition.sends.includes('sms')) clients.push('sns');
  if (definition.sends.includes('events')) clients.push('eventbridge');
  if (definition.enqueuesFor !== undefined) clients.push('sqs');
  if (definition.usesGateway || definition.sealsPgCredentials || definition.webhookSecret !== undefined) clients.push('kms');
  return clients;
}

/** Items (cycles of one shop) per queue message. */
export const WORK_MESSAGE_ITEMS = 25;

/**
 * What a dispatcher puts on a worker's queue: a page of one shop's due work,
 * in the domain's words (which cycles), not the table's. A worker puts an item
 * that failed back on its own queue as a message of one (`retryOf`).
 */
export interface WorkMessage {
  /** NOTICE, CHARGE: a run's due work; RETRY: the shop's retry of a FAILED cycle (one item, retryCycle → the charge worker). */
  readonly kind: 'NOTICE' | 'CHARGE' | 'RETRY';
  /** The Seoul date of the run (it took everything due up to that day). */
  readonly date: string;
  /** When the run was scheduled (EventBridge Scheduler's scheduled time): the worker's notion of "now" for retries. */
  readonly scheduledTime: string;
  /** Every item of a message is this shop's. */
  readonly shopId: string;
  readonly items: ReadonlyArray<{ readonly subscriptionId: string; readonly deliveryDate: string }>;
  /** The message an item failed in, when it is retried on its own. */
  readonly retryOf?: string;
}

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
  /** Issue 13: resumes pauses that ran out (before that day's notice run), moves on stalled subscriptions, recounts S6. */
  maintenanceRunTimes: ['04:00'],
} as const satisfies Record<string, readonly string[]>;

export const health = {
  kind: 'http', method: 'GET', path: '/health', auth: 'public',
  tableActions: ['dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const createShop = {
  kind: 'http', method: 'POST', path: '/platform/shops', auth: 'platform', idempotent: true,
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: [],
} as const satisfies HttpFunction;
export const getService = {
  kind: 'http', method: 'GET', path: '/admin/service', auth: 'admin',
  // PutItem and the stop queue: a STOPPING shop whose trigger died before creating its job gets it here.
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'], sends: [], enqueuesFor: 'stopWorker',
} as const satisfies HttpFunction;
export const listPaymentGateways = {
  kind: 'http', method: 'GET', path: '/payment-gateways', auth: 'public',
  tableActions: [], sends: [],
} as const satisfies HttpFunction;
export const putPgContract = {
  kind: 'http', method: 'PUT', path: '/platform/shops/{shopId}/pg-contracts/{gateway}', auth: 'platform',
  sealsPgCredentials: true,
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], sends: [], enqueuesFor: 'stopWorker',
} as const satisfies HttpFunction;
export const listPgContracts = {
  kind: 'http', method: 'GET', path: '/platform/shops/{shopId}/pg-contracts', auth: 'platform',
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query'], sends: [],
} as const satisfies HttpFunction;
export const deletePgContract = {
  kind: 'http', method: 'DELETE', path: '/platform/shops/{shopId}/pg-contracts/{gateway}', auth: 'platform',
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], sends: [], enqueuesFor: 'stopWorker',
} as const satisfies HttpFunction;
export const resolveCycle = {
  kind: 'http', method: 'POST', path: '/admin/subscriptions/{subscriptionId}/cycles/{deliveryDate}/resolve', auth: 'admin', idempotent: true,
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: ['mail', 'events'], readsChargeSettings: true,
} as const satisfies HttpFunction;
export const openApi = {
  kind: 'http', method: 'GET', path: '/openapi.json', auth: 'public',
  tableActions: [], sends: [],
} as const satisfies HttpFunction;
export const reviewApplication = {
  kind: 'http', method: 'POST', path: '/platform/shops/{shopId}/review', auth: 'platform',
  tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], sends: [],
} as const satisfies HttpFunction;
export const topUpCredits = {
  kind: 'http', method: 'POST', path: '/platform/shops/{shopId}/credits', auth: 'platform', idempotent: true,
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: [],
} as const satisfies HttpFunction;
export const applyForService = {
  kind: 'http', method: 'POST', path: '/admin/service/application', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:Query'], sends: [],
} as const satisfies HttpFunction;
export const changeCardPg = {
  kind: 'http', method: 'PUT', path: '/admin/service/pg', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:Query'], sends: [], enqueuesFor: 'stopWorker',
} as const satisfies HttpFunction;
export const unlinkCardPg = {
  kind: 'http', method: 'DELETE', path: '/admin/service/pg', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'], sends: [], enqueuesFor: 'stopWorker',
} as const satisfies HttpFunction;
export const setEasyPay = {
  kind: 'http', method: 'PUT', path: '/admin/service/easy-pay', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem', 'dynamodb:Query'], sends: [], enqueuesFor: 'stopWorker',
} as const satisfies HttpFunction;
export const stopService = {
  kind: 'http', method: 'POST', path: '/admin/service/stop', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:PutItem'], sends: [], enqueuesFor: 'stopWorker',
} as const satisfies HttpFunction;
export const getNotificationSettings = {
  kind: 'http', method: 'GET', path: '/admin/settings/notifications', auth: 'admin',
  tableActions: ['dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const putNotificationSettings = {
  kind: 'http', method: 'PUT', path: '/admin/settings/notifications', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem'], sends: [],
} as const satisfies HttpFunction;
export const getSubscriptionSettings = {
  kind: 'http', method: 'GET', path: '/admin/settings/subscription', auth: 'admin',
  tableActions: ['dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const putSubscriptionSettings = {
  kind: 'http', method: 'PUT', path: '/admin/settings/subscription', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], sends: [],
} as const satisfies HttpFunction;
export const getDeliverySettings = {
  kind: 'http', method: 'GET', path: '/admin/settings/delivery', auth: 'admin',
  tableActions: ['dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const putDeliverySettings = {
  kind: 'http', method: 'PUT', path: '/admin/settings/delivery', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'], sends: [],
} as const satisfies HttpFunction;
export const getCredits = {
  kind: 'http', method: 'GET', path: '/admin/credits', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query'], sends: [],
} as const satisfies HttpFunction;
export const listCreditLedger = {
  kind: 'http', method: 'GET', path: '/admin/credits/ledger', auth: 'admin',
  tableActions: ['dynamodb:Query'], sends: [],
} as const satisfies HttpFunction;
export const putProduct = {
  kind: 'http', method: 'PUT', path: '/admin/products/{productId}', auth: 'admin',
  // PutItem and the price-change queue: an increase creates its notice job and enqueues its first step.
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem'], sends: [], enqueuesFor: 'priceChangeWorker',
} as const satisfies HttpFunction;
export const listProducts = {
  kind: 'http', method: 'GET', path: '/admin/products', auth: 'admin',
  tableActions: ['dynamodb:Query'], sends: [],
} as const satisfies HttpFunction;
export const getProduct = {
  kind: 'http', method: 'GET', path: '/admin/products/{productId}', auth: 'admin',
  tableActions: ['dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const getPurchaseOptions = {
  kind: 'http', method: 'GET', path: '/shops/{shopId}/products/{productId}/purchase-options', auth: 'public',
  tableActions: ['dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const listShopSubscriptions = {
  kind: 'http', method: 'GET', path: '/admin/subscriptions', auth: 'admin',
  tableActions: ['dynamodb:Query', 'dynamodb:BatchGetItem'], sends: [],
} as const satisfies HttpFunction;
export const getShopSubscription = {
  kind: 'http', method: 'GET', path: '/admin/subscriptions/{subscriptionId}', auth: 'admin',
  tableActions: ['dynamodb:Query', 'dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const cancelShopSubscription = {
  kind: 'http', method: 'POST', path: '/admin/subscriptions/{subscriptionId}/cancel', auth: 'admin', idempotent: true,
  // DeleteItem: the planned next delivery withdrawn, and the Idempotency-Key records.
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: ['mail', 'events'],
} as const satisfies HttpFunction;
export const changeShopSubscription = {
  kind: 'http', method: 'PATCH', path: '/admin/subscriptions/{subscriptionId}', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: ['mail', 'events'],
} as const satisfies HttpFunction;
export const retryCycle = {
  kind: 'http', method: 'POST', path: '/admin/subscriptions/{subscriptionId}/cycles/{deliveryDate}/retry', auth: 'admin', idempotent: true,
  // Checks, then a RETRY message on the charge worker's queue (the worker claims and charges): no PG, no KMS Decrypt.
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: [], enqueuesFor: 'chargeWorker',
} as const satisfies HttpFunction;
export const listOrders = {
  kind: 'http', method: 'GET', path: '/admin/orders', auth: 'admin',
  tableActions: ['dynamodb:Query', 'dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const exportOrders = {
  kind: 'http', method: 'GET', path: '/admin/orders.csv', auth: 'admin',
  tableActions: ['dynamodb:Query', 'dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const signUp = {
  kind: 'http', method: 'POST', path: '/subscriptions', auth: 'customer', idempotent: true,
  usesGateway: true,
  // Query: the buyer's pending signups (a cap per buyer) on the by-customer index.
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: ['events'],
} as const satisfies HttpFunction;
export const checkOut = {
  kind: 'http', method: 'POST', path: '/subscriptions/{subscriptionId}/checkout', auth: 'customer', idempotent: true,
  usesGateway: true,
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:DeleteItem'], sends: ['events'],
} as const satisfies HttpFunction;
export const listMySubscriptions = {
  kind: 'http', method: 'GET', path: '/subscriptions', auth: 'customer',
  tableActions: ['dynamodb:Query'], sends: [],
} as const satisfies HttpFunction;
export const getMySubscription = {
  kind: 'http', method: 'GET', path: '/subscriptions/{subscriptionId}', auth: 'customer',
  tableActions: ['dynamodb:Query', 'dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const cancelSubscription = {
  kind: 'http', method: 'POST', path: '/subscriptions/{subscriptionId}/cancel', auth: 'customer',
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], sends: ['events'],
} as const satisfies HttpFunction;
export const answerPriceChange = {
  kind: 'http', method: 'POST', path: '/subscriptions/{subscriptionId}/price-consent', auth: 'customer', idempotent: true,
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: [],
} as const satisfies HttpFunction;
export const getMyCard = {
  kind: 'http', method: 'GET', path: '/me/card', auth: 'customer',
  tableActions: ['dynamodb:GetItem'], sends: [],
} as const satisfies HttpFunction;
export const skipDelivery = {
  kind: 'http', method: 'POST', path: '/subscriptions/{subscriptionId}/skip', auth: 'customer', idempotent: true,
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: ['events'],
} as const satisfies HttpFunction;
export const pauseSubscription = {
  kind: 'http', method: 'POST', path: '/subscriptions/{subscriptionId}/pause', auth: 'customer', idempotent: true,
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: ['events'],
} as const satisfies HttpFunction;
export const resumeSubscription = {
  kind: 'http', method: 'POST', path: '/subscriptions/{subscriptionId}/resume', auth: 'customer', idempotent: true,
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: ['events'],
} as const satisfies HttpFunction;
export const changeSubscription = {
  kind: 'http', method: 'PATCH', path: '/subscriptions/{subscriptionId}', auth: 'customer',
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'], sends: ['events'],
} as const satisfies HttpFunction;
export const startCardChange = {
  kind: 'http', method: 'POST', path: '/subscriptions/{subscriptionId}/card', auth: 'customer', idempotent: true,
  usesGateway: true,
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], sends: [],
} as const satisfies HttpFunction;
export const createWebhook = {
  kind: 'http', method: 'POST', path: '/admin/webhooks', auth: 'admin', idempotent: true,
  webhookSecret: 'seal',
  tableActions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query', 'dynamodb:DeleteItem'], sends: [],
} as const satisfies HttpFunction;
export const listWebhooks = {
  kind: 'http', method: 'GET', path: '/admin/webhooks', auth: 'admin',
  tableActions: ['dynamodb:Query'], sends: [],
} as const satisfies HttpFunction;
export const deleteWebhook = {
  kind: 'http', method: 'DELETE', path: '/admin/webhooks/{webhookId}', auth: 'admin',
  tableActions: ['dynamodb:DeleteItem', 'dynamodb:UpdateItem'], sends: [],
} as const satisfies HttpFunction;
export const listWebhookDeliveries = {
  kind: 'http', method: 'GET', path: '/admin/webhooks/{webhookId}/deliveries', auth: 'admin',
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query'], sends: [],
} as const satisfies HttpFunction;
export const maintenanceRun = {
  kind: 'scheduled', timesSetting: 'maintenanceRunTimes',
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  sends: ['events'], timeoutSeconds: 900, memoryMb: 512,
} as const satisfies ScheduledFunction;
export const noticeRun = {
  kind: 'scheduled', timesSetting: 'noticeRunTimes', enqueuesFor: 'noticeWorker',
  // Query: the due index; GetItem and UpdateItem: releasing the credit blocks dead workers left open.
  tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
  sends: [], timeoutSeconds: 900, memoryMb: 512,
} as const satisfies ScheduledFunction;
export const noticeWorker = {
  kind: 'queue',
  queue: { batchSize: 4, maxConcurrency: 20, visibilityTimeoutSeconds: 360, maxReceiveCount: 5 },
  // BatchGetItem: a message's reads at once; DeleteItem: withdrawing a stale plan; BatchWriteItem: the SMS ledger lines.
  tableActions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
  // Its own queue: an item that failed is put back on its own (item isolation).
  sends: ['mail', 'sms', 'events'], enqueuesFor: 'noticeWorker', timeoutSeconds: NOTICE_WORKER_TIMEOUT_SECONDS, memoryMb: 512,
} as const satisfies QueueFunction;
export const chargeRun = {
  kind: 'scheduled', timesSetting: 'chargeRunTimes', enqueuesFor: 'chargeWorker',
  tableActions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
  sends: [], timeoutSeconds: 900, memoryMb: 512,
} as const satisfies ScheduledFunction;
export const chargeWorker = {
  kind: 'queue',
  // One message (25 cycles) per invocation: PG calls can take up to 30 s each (Toss), so the
  // timeout leaves room for a slow message, and the visibility timeout is 6x the timeout.
  queue: { batchSize: 1, maxConcurrency: 10, visibilityTimeoutSeconds: 1800, maxReceiveCount: 5 },
  tableActions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
  sends: ['mail', 'events'], usesGateway: true, enqueuesFor: 'chargeWorker', timeoutSeconds: CHARGE_WORKER_TIMEOUT_SECONDS, memoryMb: 512,
} as const satisfies QueueFunction;
export const stopWorker = {
  kind: 'queue',
  // One step per invocation: a step is one page (100 subscriptions or billing keys) and enqueues the next.
  queue: { batchSize: 1, maxConcurrency: 5, visibilityTimeoutSeconds: 1800, maxReceiveCount: 10 },
  tableActions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  sends: ['mail', 'events'], usesGateway: true, enqueuesFor: 'stopWorker', timeoutSeconds: STOP_WORKER_TIMEOUT_SECONDS, memoryMb: 512,
} as const satisfies QueueFunction;
export const priceChangeWorker = {
  kind: 'queue',
  // One step per invocation: a step is one page (50 subscriptions) of one price change, and enqueues the next.
  queue: { batchSize: 1, maxConcurrency: 5, visibilityTimeoutSeconds: 1800, maxReceiveCount: 10 },
  tableActions: ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
  sends: ['mail', 'sms'], enqueuesFor: 'priceChangeWorker', timeoutSeconds: PRICE_CHANGE_WORKER_TIMEOUT_SECONDS, memoryMb: 512,
} as const satisfies QueueFunction;
export const webhookFanout = {
  kind: 'queue',
  // Fed by an EventBridge rule on the bus (the ten event types of system/events.ts): one event per message. A shop's
  // endpoints are read once per batch (issue 12), so batches are gathered for up to a second: a charge run's events
  // (one per cycle, arriving a few per second per worker) then cost one Query per shop per batch of up to 100,
  // not one per event. Visibility ≥ 6 × the timeout + the window (AWS's guidance for a batching window).
  queue: { batchSize: 100, maxBatchingWindowSeconds: 1, maxConcurrency: 5, visibilityTimeoutSeconds: 185, maxReceiveCount: 5 },
  tableActions: ['dynamodb:Query', 'dynamodb:PutItem'],
  sends: [], enqueuesFor: 'webhookDelivery', timeoutSeconds: 30,
} as const satisfies QueueFunction;
export const webhookDelivery = {
  kind: 'queue',
  // One attempt per message (up to 15 s each); retries come back through this queue with DelaySeconds.
  queue: { batchSize: 1, maxConcurrency: 20, visibilityTimeoutSeconds: 180, maxReceiveCount: 5 },
  webhookSecret: 'open',
  tableActions: ['dynamodb:GetItem', 'dynamodb:UpdateItem'],
  sends: [], enqueuesFor: 'webhookDelivery', timeoutSeconds: 30,
} as const satisfies QueueFunction;
/**
 * The catalogue: every function by its name. Runtime code imports a definition by its own name
 * (`import * as fn from '…/system/functions.ts'`, `fn.checkOut`) so that a bundle carries that one entry,
 * never this whole list (issue 12: every bundle ≤ 150 KB; test/unit/bundle-imports.test.ts).
 */
export const FUNCTIONS = {
  health,
  createShop,
  getService,
  listPaymentGateways,
  putPgContract,
  listPgContracts,
  deletePgContract,
  resolveCycle,
  openApi,
  reviewApplication,
  topUpCredits,
  applyForService,
  changeCardPg,
  unlinkCardPg,
  setEasyPay,
  stopService,
  getNotificationSettings,
  putNotificationSettings,
  getSubscriptionSettings,
  putSubscriptionSettings,
  getDeliverySettings,
  putDeliverySettings,
  getCredits,
  listCreditLedger,
  putProduct,
  listProducts,
  getProduct,
  getPurchaseOptions,
  listShopSubscriptions,
  getShopSubscription,
  cancelShopSubscription,
  changeShopSubscription,
  retryCycle,
  listOrders,
  exportOrders,
  signUp,
  checkOut,
  listMySubscriptions,
  getMySubscription,
  cancelSubscription,
  answerPriceChange,
  getMyCard,
  skipDelivery,
  pauseSubscription,
  resumeSubscription,
  changeSubscription,
  startCardChange,
  createWebhook,
  listWebhooks,
  deleteWebhook,
  listWebhookDeliveries,
  noticeRun,
  maintenanceRun,
  noticeWorker,
  chargeRun,
  chargeWorker,
  stopWorker,
  priceChangeWorker,
  webhookFanout,
  webhookDelivery,
} as const satisfies Record<string, FunctionDefinition>;

export type FunctionName = keyof typeof FUNCTIONS;

/** Pure, so that a bundle importing anything else from here drops the catalogue. */
export const functionNames = /* @__PURE__ */ Object.keys(FUNCTIONS) as FunctionName[];

/**
 * The module exporting a function's `handler`, relative to the repository root, by convention:
 * `checkOut` → `functions/handlers/check-out.handler.ts` (the deployment, the local runtime and the bundle tests
 * use it; a function whose module is missing fails test/unit/bundles.test.ts). Not a field of each entry: the
 * runtime bundles carry the entries they import, and a path is no business of a running function (issue 12).
 */
export function entryOf(name: FunctionName): string {
  return `functions/handlers/${fileNameOf(name)}.handler.ts`;
}

/** A function's name as its modules are named: `checkOut` → `check-out` (its handler, its API operation). */
export function fileNameOf(name: FunctionName): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export function httpFunctions(): Array<[FunctionName, HttpFunction]> {
  return functionNames.flatMap((name) => {
    const fn: FunctionDefinition = FUNCTIONS[name];
    return fn.kind === 'http' ? [[name, fn] as [FunctionName, HttpFunction]] : [];
  });
}

export function queueFunctions(): Array<[FunctionName, QueueFunction]> {
  return functionNames.flatMap((name) => {
    const fn: FunctionDefinition = FUNCTIONS[name];
    return fn.kind === 'queue' ? [[name, fn] as [FunctionName, QueueFunction]] : [];
  });
}

export function scheduledFunctions(): Array<[FunctionName, ScheduledFunction]> {
  return functionNames.flatMap((name) => {
    const fn: FunctionDefinition = FUNCTIONS[name];
    return fn.kind === 'scheduled' ? [[name, fn] as [FunctionName, ScheduledFunction]] : [];
  });
}

/**
 * Concurrency reserved for a function (issue 11): a queue worker keeps exactly what its event source may use
 * (MaximumConcurrency), a daily run two (a late duplicate trigger may overlap); HTTP functions share the rest
 * of the account's pool, so an API flood throttles the API, never the charge or stop runs.
 */
export function reservedConcurrencyOf(definition: FunctionDefinition): number | undefined {
  if (definition.kind === 'queue') return definition.queue.maxConcurrency;
  if (definition.kind === 'scheduled') return 2;
  return undefined;
}

/**
 * How many days after the charge date (D-1) a declined card is still retried,
 * at every charge run (issue: three days by default). A setting like the run
 * times: CDK context `chargeRetryDays`, env CHARGE_RETRY_DAYS on a laptop.
 */
export const CHARGE_RETRY = { defaultDays: 3, maxDays: 14, env: 'CHARGE_RETRY_DAYS', context: 'chargeRetryDays' } as const;

/** Reads the retry window from the environment; fails fast on a value that is not a whole number of days in range. */
export function chargeRetryDaysFrom(env: NodeJS.ProcessEnv): number {
  return parseRetryDays(env[CHARGE_RETRY.env]);
}

/**
 * The environment variable that carries a run-time setting to handlers
 * (noticeRunTimes → NOTICE_RUN_TIMES, comma-separated HH:mm): the charge worker
 * schedules its retries at the charge runs, so it must know when they are.
 */
export function runTimesEnvName(setting: keyof typeof SCHEDULE_DEFAULTS): string {
  return setting.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** Parses `HH:mm` into the parts a cron expression or a local timer needs. */
export function parseRunTime(time: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new Error(`Run time "${time}" is not HH:mm (00:00–23:59)`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}

/** The environment variable names both runtimes use to pass configuration to handlers. */
export const ENV = {
  /** Functions with `enqueuesFor`: the URL of the queue they feed. */
  workQueueUrl: 'WORK_QUEUE_URL',
  /** Functions that send 'events': the EventBridge bus the shop consumes (charged orders). */
  eventBusName: 'EVENT_BUS_NAME',
  tableName: 'TABLE_NAME',
  mailFrom: 'MAIL_FROM',
  stage: 'STAGE',
  /** `true` on the local runtime only: webhook endpoints may be http://localhost (its test sink). */
  webhooksAllowLocalHttp: 'WEBHOOKS_ALLOW_LOCAL_HTTP',
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

/**
 * In-process SQS queues with the semantics the workers are written for (a
 * standard queue feeding Lambda through an event source mapping):
 * - delivery in batches of the worker's batchSize, as a real SQSEvent (a
 *   messageId stable across redeliveries, a fresh receiptHandle per receive,
 *   ApproximateReceiveCount, SentTimestamp…);
 * - at most maxConcurrency invocations at once (the mapping's MaximumConcurrency);
 * - MaximumBatchingWindowInSeconds, for a worker that has one: a batch waits until it is full or its oldest
 *   message has waited the window, in real time as Lambda's poller does, so batches fill locally as they do
 *   in AWS while other work keeps producing; `drain` sends a held batch at once when nothing runs anywhere
 *   (nothing local could add to it then, and a test or the scheduler waiting for the queues would only wait
 *   out the window for the same batch);
 * - ReportBatchItemFailures: messages named in batchItemFailures — or all of
 *   them if the handler throws, or answers an identifier that is not in the
 *   batch — come back once their visibility timeout (counted from the receive,
 *   on the local clock) has passed, until maxReceiveCount receives, then move
 *   to the queue's DLQ;
 * - DelaySeconds: a message sent with a delay is delivered once it has passed.
 * Time is the local clock's: a moved clock (the scheduler's `advanceTo`) or
 * the real-time ticker (`release`) makes delayed messages visible, in order.
 * With a data folder the queues are kept in LOCAL_DATA/queues.json (written,
 * then renamed over, on every change): as in AWS, where SQS outlives any
 * worker, a message sent stays sent when the process dies, and one that was
 * being worked on comes back after its visibility timeout once the system
 * is started again (`restore`).
 * Differences from AWS, on purpose: no duplicate deliveries of a message that
 * succeeded, delivery in send order.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import { FUNCTIONS, queueFunctions, type FunctionDefinition, type FunctionName, type QueueFunction } from '../system/functions.ts';
import type { Clock } from '../functions/core/clock.ts';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'ap-northeast-2';

/**
 * Locally every handler shares one process, so every dispatcher reads the same
 * WORK_QUEUE_URL. It points at this name, and messages sent to it go to the
 * queue of the worker their dispatcher enqueues for, by the WorkMessage's kind
 * (see `routes`). In AWS each dispatcher has its own queue's URL.
 */
export const ROUTER_QUEUE_NAME = 'work';

/** A message attribute as SendMessage takes it (AWS JSON: binary values are base64). */
export interface MessageAttributeValue {
  readonly DataType: string;
  readonly StringValue?: string;
  readonly BinaryValue?: string;
}

export interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly messageAttributes: Readonly<Record<string, MessageAttributeValue>>;
  readonly md5OfMessageAttributes?: string;
  readonly sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** Local-clock time (ms) before which it is not delivered: a delay, or a failed receive's visibility timeout. */
  visibleAt?: number;
}

export type QueueConsumer = (event: SQSEvent) => Promise<unknown>;

export interface QueueStats {
  readonly name: string;
  readonly url: string;
  /** Messages waiting to be delivered. */
  readonly depth: number;
  /** Messages not visible yet: sent with a delay, or back from a failed receive until its visibility timeout passes. */
  readonly delayed: number;
  /** Messages delivered to a running invocation. */
  readonly inFlight: number;
  readonly sent: number;
  /** Receives, counting redeliveries. */
  readonly delivered: number;
  /** Messages done (deleted after a successful invocation). */
  readonly deleted: number;
  /** Messages moved to the DLQ. */
  readonly deadLettered: number;
  readonly consumer?: { readonly worker: FunctionName; readonly batchSize: number; readonly maxBatchingWindowSeconds?: number; readonly maxConcurrency: number; readonly maxReceiveCount: number; readonly invocations: number; readonly running: number };
  readonly lastError?: string;
  readonly deadLetterQueue?: QueueStats & { readonly messages: ReadonlyArray<{ messageId: string; receiveCount: number; body: string }> };
}

/** MD5 of the body, hex, as SQS answers it (and the SDK checks it). */
export function md5Hex(data: string | Buffer): string {
  return createHash('md5').update(data).digest('hex');
}

/**
 * MD5OfMessageAttributes as SQS computes it: attributes sorted by name, each
 * encoded as length-prefixed (4-byte big-endian) name, data type, a transport
 * byte (1 string, 2 binary) and the length-prefixed value.
 */
export function md5OfMessageAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const parts: Buffer[] = [];
  const prefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    parts.push(length, bytes);
  };
  for (const name of names) {
    const attribute = attributes[name]!;
    prefixed(Buffer.from(name, 'utf8'));
    prefixed(Buffer.from(attribute.DataType, 'utf8'));
    const binary = attribute.DataType.startsWith('Binary');
    parts.push(Buffer.from([binary ? 2 : 1]));
    prefixed(binary ? Buffer.from(attribute.BinaryValue ?? '', 'base64') : Buffer.from(attribute.StringValue ?? '', 'utf8'));
  }
  return md5Hex(Buffer.concat(parts));
}

export class LocalQueue {
  readonly arn: string;
  private readonly ready: StoredMessage[] = [];
  private readonly invisible: StoredMessage[] = [];
  /** Messages handed to a running invocation, with when they become visible again if it never answers. */
  private readonly flying = new Map<StoredMessage, number>();
  /** Called after every change a restart must see (LocalQueues keeps the file). */
  onChange: () => void = () => undefined;
  /** Called when an invocation has finished or a held batch's window has passed (LocalQueues' drain listens). */
  onSettle: () => void = () => undefined;
  /** When (real time, ms) each ready message became ready: the batching window counts from the oldest. */
  private readonly readySince = new WeakMap<StoredMessage, number>();
  /** Set while a partial batch waits for its batching window. */
  private windowTimer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private running = 0;
  private invocations = 0;
  private sent = 0;
  private delivered = 0;
  private deleted = 0;
  private deadLettered = 0;
  private lastError: string | undefined;
  private idleWaiters: Array<() => void> = [];
  private pumpScheduled = false;
  /** The event source mapping's MaximumConcurrency, when changed from the function's definition (the bench's scaling runs). */
  private maxConcurrencyOverride: number | undefined;

  constructor(
    readonly name: string,
    readonly url: string,
    private readonly clock: Clock,
    private readonly consumer?: { readonly worker: FunctionName; readonly settings: QueueFunction['queue']; readonly invoke: QueueConsumer },
    readonly deadLetterQueue?: LocalQueue,
  ) {
    this.arn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${name}`;
  }

  /** Stores a message and, if the queue has a consumer, lets it be delivered once the current call has finished sending (and its delay has passed). */
  send(body: string, messageAttributes: Readonly<Record<string, MessageAttributeValue>> = {}, delaySeconds = 0): StoredMessage {
    const md5OfAttributes = md5OfMessageAttributes(messageAttributes);
    const message: StoredMessage = {
      messageId: randomUUID(),
      body,
      md5OfBody: md5Hex(body),
      messageAttributes,
      ...(md5OfAttributes ? { md5OfMessageAttributes: md5OfAttributes } : {}),
      sentTimestamp: this.clock.now().getTime(),
      receiveCount: 0,
    };
    this.sent += 1;
    if (delaySeconds > 0) this.hide(message, message.sentTimestamp + delaySeconds * 1000);
    else this.enqueue(message);
    this.onChange();
    return message;
  }

  /** Every message the queue holds, as a restart must find it: a message in flight is invisible until its visibility timeout. */
  snapshot(): StoredMessage[] {
    return [...this.ready, ...this.invisible, ...[...this.flying].map(([message, visibleAt]) => ({ ...message, visibleAt }))].map((message) => ({ ...message }));
  }

  /** Puts back what a snapshot held (at start, before any send). */
  restore(messages: readonly StoredMessage[]): void {
    for (const message of messages) {
      const copy: StoredMessage = { ...message };
      if (copy.visibleAt !== undefined) this.hide(copy, copy.visibleAt);
      else this.enqueue(copy);
    }
  }

  /** Changes the mapping's MaximumConcurrency (2–1,000 in AWS, a setting of the event source mapping). */
  setMaxConcurrency(limit: number): void {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`MaximumConcurrency must be a positive whole number, not ${limit}`);
    this.maxConcurrencyOverride = limit;
    this.pump();
  }

  private maxConcurrency(): number {
    return this.maxConcurrencyOverride ?? this.consumer?.settings.maxConcurrency ?? 0;
  }

  /** Makes the messages whose delay or visibility timeout has passed by `now` deliverable. */
  release(now: number): void {
    const due = this.invisible.filter((message) => (message.visibleAt ?? 0) <= now).sort((a, b) => (a.visibleAt ?? 0) - (b.visibleAt ?? 0));
    if (due.length === 0) return;
    this.invisible.splice(0, this.invisible.length, ...this.invisible.filter((message) => !due.includes(message)));
    for (const message of due) {
      delete message.visibleAt;
      this.enqueue(message);
    }
  }

  /** When the next invisible message becomes deliverable (local-clock ms), if any. */
  nextVisibleAt(): number | undefined {
    return this.invisible.reduce<number | undefined>((first, message) => (first === undefined || (message.visibleAt ?? 0) < first ? message.visibleAt : first), undefined);
  }

  private hide(message: StoredMessage, until: number): void {
    message.visibleAt = until;
    this.invisible.push(message);
  }

  /** The messages waiting (the DLQ's, for inspection). */
  messages(): readonly StoredMessage[] {
    return this.ready;
  }

  /** True when nothing waits and nothing is being worked on (a queue without consumer counts as idle). */
  get idle(): boolean {
    return !this.consumer || (this.ready.length === 0 && this.running === 0);
  }

  /** True when no invocation runs and what waits is a partial batch held for its batching window. */
  get holding(): boolean {
    return this.running === 0 && this.windowTimer !== undefined && this.ready.length > 0;
  }

  /** Sends what is held for the batching window now, as if the window had passed. */
  flush(): void {
    this.pump(true);
  }

  /** Resolves when the queue is idle. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  stats(): QueueStats {
    return {
      name: this.name,
      url: this.url,
      depth: this.ready.length,
      delayed: this.invisible.length,
      inFlight: this.inFlight,
      sent: this.sent,
      delivered: this.delivered,
      deleted: this.deleted,
      deadLettered: this.deadLettered,
      ...(this.consumer
        ? {
            consumer: {
              worker: this.consumer.worker,
              batchSize: this.consumer.settings.batchSize,
              ...(this.consumer.settings.maxBatchingWindowSeconds !== undefined ? { maxBatchingWindowSeconds: this.consumer.settings.maxBatchingWindowSeconds } : {}),
              maxConcurrency: this.maxConcurrency(),
              maxReceiveCount: this.consumer.settings.maxReceiveCount,
              invocations: this.invocations,
              running: this.running,
            },
          }
        : {}),
      ...(this.lastError ? { lastError: this.lastError } : {}),
      ...(this.deadLetterQueue
        ? { deadLetterQueue: { ...this.deadLetterQueue.stats(), messages: this.deadLetterQueue.messages().map((m) => ({ messageId: m.messageId, receiveCount: m.receiveCount, body: m.body })) } }
        : {}),
    };
  }

  private enqueue(message: StoredMessage): void {
    this.ready.push(message);
    this.readySince.set(message, performance.now());
    if (!this.consumer || this.pumpScheduled) return;
    // After the current I/O callback: the rest of a SendMessageBatch lands first, so batches fill as they would.
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(flush = false): void {
    const consumer = this.consumer;
    if (!consumer) return;
    while (this.running < this.maxConcurrency() && this.ready.length > 0) {
      const waitMs = flush ? 0 : this.windowLeftMs(consumer.settings);
      if (waitMs > 0) {
        this.holdFor(waitMs);
        return;
      }
      const batch = this.ready.splice(0, consumer.settings.batchSize);
      this.running += 1;
      this.invocations += 1;
      void this.deliver(consumer, batch).finally(() => {
        this.running -= 1;
        this.pump();
        if (this.idle) for (const resolve of this.idleWaiters.splice(0)) resolve();
        this.onSettle();
      });
    }
    clearTimeout(this.windowTimer);
    this.windowTimer = undefined;
  }

  /** How long the next batch still waits for its window: 0 when it is full, or has no window, or its oldest message waited it out. */
  private windowLeftMs(settings: QueueFunction['queue']): number {
    if (settings.maxBatchingWindowSeconds === undefined || this.ready.length >= settings.batchSize) return 0;
    const oldest = this.readySince.get(this.ready[0]!) ?? 0;
    return Math.max(0, oldest + settings.maxBatchingWindowSeconds * 1000 - performance.now());
  }

  /** Holds the partial batch until its window has passed (a fuller batch may go sooner: enqueue pumps again). */
  private holdFor(ms: number): void {
    if (this.windowTimer !== undefined) return;
    this.windowTimer = setTimeout(() => {
      this.windowTimer = undefined;
      this.pump();
      this.onSettle();
    }, Math.ceil(ms));
    // A held batch never keeps a process alive on its own (the local system's servers do).
    this.windowTimer.unref();
  }

  private async deliver(consumer: NonNullable<LocalQueue['consumer']>, batch: StoredMessage[]): Promise<void> {
    const now = this.clock.now().getTime();
    const records: SQSRecord[] = batch.map((message) => {
      message.receiveCount += 1;
      message.firstReceiveTimestamp ??= now;
      return {
        messageId: message.messageId,
        // A new handle per receive, as SQS issues; the workers never use it (Lambda deletes for them).
        receiptHandle: randomBytes(48).toString('base64'),
        body: message.body,
        attributes: {
          ApproximateReceiveCount: String(message.receiveCount),
          SentTimestamp: String(message.sentTimestamp),
          SenderId: `AROA${LOCAL_ACCOUNT}:local-dispatcher`,
          ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp),
        },
        messageAttributes: toRecordAttributes(message.messageAttributes),
        md5OfBody: message.md5OfBody,
        ...(message.md5OfMessageAttributes ? { md5OfMessageAttributes: message.md5OfMessageAttributes } : {}),
        eventSource: 'aws:sqs',
        eventSourceARN: this.arn,
        awsRegion: LOCAL_REGION,
      };
    });
    const comesBackAt = now + (consumer.settings.visibilityTimeoutSeconds * 1000);
    for (const message of batch) this.flying.set(message, comesBackAt);
    this.onChange();
    this.inFlight += batch.length;
    this.delivered += batch.length;
    let failed: Set<string>;
    try {
      failed = failedMessageIds(await consumer.invoke({ Records: records }), batch);
    } catch (error) {
      this.lastError = error instanceof Error ? error.message : String(error);
      failed = new Set(batch.map((message) => message.messageId));
    } finally {
      this.inFlight -= batch.length;
      for (const message of batch) this.flying.delete(message);
    }
    for (const message of batch) {
      if (!failed.has(message.messageId)) {
        this.deleted += 1;
      } else if (message.receiveCount >= consumer.settings.maxReceiveCount && this.deadLetterQueue) {
        // The redrive policy: the same message (same id, same body) moves to the DLQ.
        this.deadLettered += 1;
        this.deadLetterQueue.enqueue(message);
      } else {
        // Not deleted: SQS hands it out again once the visibility timeout, counted from this receive, has passed.
        this.hide(message, now + consumer.settings.visibilityTimeoutSeconds * 1000);
      }
    }
    this.onChange();
  }
}

/**
 * Lambda's reading of a ReportBatchItemFailures answer: nothing (or an empty
 * list) means all succeeded; an identifier that is empty or not in the batch
 * makes the whole batch fail.
 */
function failedMessageIds(response: unknown, batch: readonly StoredMessage[]): Set<string> {
  const all = new Set(batch.map((message) => message.messageId));
  const failures = (response as Partial<SQSBatchResponse> | null | undefined)?.batchItemFailures;
  if (failures === undefined || failures === null) return new Set();
  if (!Array.isArray(failures)) return all;
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !all.has(id)) return all;
    failed.add(id);
  }
  return failed;
}

function toRecordAttributes(attributes: Readonly<Record<string, MessageAttributeValue>>): SQSMessageAttributes {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [
      name,
      {
        dataType: value.DataType,
        ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
        ...(value.BinaryValue !== undefined ? { binaryValue: value.BinaryValue } : {}),
        stringListValues: [],
        binaryListValues: [],
      },
    ]),
  );
}

/** Routing of the shared router URL: a WorkMessage kind → the worker whose queue gets it. */
export type KindRoutes = Readonly<Record<string, FunctionName>>;

/**
 * One queue (and DLQ) per queue function of system/functions.ts, named after
 * the worker, at `<endpoint>/<account>/<name>`; plus the router URL.
 */
export class LocalQueues {
  private readonly byName = new Map<string, LocalQueue>();
  readonly routerUrl: string;
  /** Drains waiting for the next invocation to finish (or a held batch's window to pass) on any queue. */
  private settleWaiters: Array<() => void> = [];

  constructor(
    readonly endpoint: string,
    clock: Clock,
    invoke: (worker: FunctionName, event: SQSEvent) => Promise<unknown>,
    private readonly routes: KindRoutes,
    /** LOCAL_DATA/queues.json, or null to keep the queues in memory only. */
    private readonly file: string | null = null,
  ) {
    for (const [worker, definition] of queueFunctions()) {
      const dlq = new LocalQueue(`${worker}-dlq`, this.urlOf(`${worker}-dlq`), clock);
      const queue = new LocalQueue(worker, this.urlOf(worker), clock, { worker, settings: definition.queue, invoke: (event) => invoke(worker, event) }, dlq);
      this.byName.set(dlq.name, dlq);
      this.byName.set(queue.name, queue);
    }
    this.routerUrl = this.urlOf(ROUTER_QUEUE_NAME);
    for (const [kind, worker] of Object.entries(routes)) {
      if (!this.byName.has(worker)) throw new Error(`Messages of kind ${kind} are routed to ${worker}, which has no queue`);
    }
    if (file) for (const queue of this.byName.values()) queue.onChange = () => this.save();
    for (const queue of this.byName.values()) queue.onSettle = () => this.settleWaiters.splice(0).forEach((resolve) => resolve());
  }

  /** Puts back the messages the queues held when the process stopped or died (call once the workers can run). */
  restore(): void {
    if (!this.file || !existsSync(this.file)) return;
    const kept = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, StoredMessage[]>;
    for (const [name, messages] of Object.entries(kept)) this.byName.get(name)?.restore(messages);
    this.save();
  }

  /** Writes every queue's messages, then renames over the old file: a process killed half-way leaves the previous state whole. */
  private save(): void {
    if (!this.file) return;
    const state = Object.fromEntries([...this.byName].map(([name, queue]) => [name, queue.snapshot()]));
    const partial = `${this.file}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(state));
    renameSync(partial, this.file);
  }

  /** The URL of a worker's queue (what its dispatcher's WORK_QUEUE_URL is in AWS). */
  urlOf(name: string): string {
    return `${this.endpoint}/${LOCAL_ACCOUNT}/${name}`;
  }

  /** The queue a QueueUrl names, or the routed queue for the router URL; undefined when there is none. */
  resolve(queueUrl: string, body: string): LocalQueue | undefined {
    const name = queueNameOf(queueUrl);
    if (name !== ROUTER_QUEUE_NAME) return name === undefined ? undefined : this.byName.get(name);
    let kind: unknown;
    try {
      kind = (JSON.parse(body) as { kind?: unknown }).kind;
    } catch {
      return undefined;
    }
    const worker = typeof kind === 'string' ? this.routes[kind] : undefined;
    return worker ? this.byName.get(worker) : undefined;
  }

  /** True when a QueueUrl names a queue here (or the router). */
  exists(queueUrl: string): boolean {
    const name = queueNameOf(queueUrl);
    return name === ROUTER_QUEUE_NAME || (name !== undefined && this.byName.has(name));
  }

  queue(name: string): LocalQueue | undefined {
    return this.byName.get(name);
  }

  /** Makes every message whose delay or visibility timeout has passed by `now` deliverable. */
  release(now: Date): void {
    for (const queue of this.byName.values()) queue.release(now.getTime());
  }

  /** The earliest time an invisible message becomes deliverable, on any queue. */
  nextVisibleAt(): Date | undefined {
    const times = [...this.byName.values()].map((queue) => queue.nextVisibleAt()).filter((at): at is number => at !== undefined);
    return times.length > 0 ? new Date(Math.min(...times)) : undefined;
  }

  /**
   * Waits until every queue is idle at the same time: all visible work
   * delivered and finished (retries wait for their visibility timeout). What
   * the local scheduler does after each run, so that a moved clock finds each
   * run's work done before the next run fires.
   */
  async drain(): Promise<void> {
    for (;;) {
      const queues = [...this.byName.values()];
      if (queues.every((queue) => queue.idle)) return;
      // Nothing runs anywhere: a batch held for its window could not grow before it passed; it goes now.
      if (queues.every((queue) => queue.idle || queue.holding)) {
        for (const queue of queues) if (queue.holding) queue.flush();
        continue;
      }
      await new Promise<void>((resolve) => this.settleWaiters.push(resolve));
    }
  }

  /** What GET /_local/queues shows: each worker queue with its DLQ, and the router. */
  stats(): { router: { url: string; routes: KindRoutes }; queues: QueueStats[] } {
    return {
      router: { url: this.routerUrl, routes: this.routes },
      queues: [...this.byName.values()].filter((queue) => queue.deadLetterQueue).map((queue) => queue.stats()),
    };
  }
}

/** `http://host:port/000000000000/name` → `name`. */
function queueNameOf(queueUrl: string): string | undefined {
  try {
    const [account, name, ...rest] = new URL(queueUrl).pathname.split('/').filter(Boolean);
    return account === LOCAL_ACCOUNT && name && rest.length === 0 ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The message kinds of the functions that enqueue (dispatchers, the stop triggers and worker) → the worker
 * each enqueues for (FUNCTIONS[name].enqueuesFor). One kind must always lead to the same worker.
 */
export function kindRoutes(enqueuedKind: Readonly<Partial<Record<FunctionName, string>>>): KindRoutes {
  const routes: Record<string, FunctionName> = {};
  for (const [sender, kind] of Object.entries(enqueuedKind) as Array<[FunctionName, string]>) {
    const definition: FunctionDefinition = FUNCTIONS[sender];
    if (definition.enqueuesFor === undefined) throw new Error(`${sender} enqueues nothing (no enqueuesFor in system/functions.ts)`);
    const worker = definition.enqueuesFor as FunctionName;
    if (routes[kind] !== undefined && routes[kind] !== worker) throw new Error(`Messages of kind ${kind} would go to both ${routes[kind]} and ${worker}`);
    routes[kind] = worker;
  }
  return routes;
}

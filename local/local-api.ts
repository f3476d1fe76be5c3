/**
 * The wire shapes of the `/_local/*` endpoints the pages use (the dev
 * console, demo logins, the sandbox PG's window). Pure types with no imports,
 * so the browser code can import them without the Node runtime behind them;
 * local/local-endpoints.ts checks with `satisfies` that what it answers and
 * takes is exactly this, so the pages and the local runtime cannot drift.
 */

export interface TokenRequest {
  readonly role: 'customer' | 'admin' | 'platform';
  readonly shop: string;
  readonly sub: string;
}

/** A daily run by the name of its function (`noticeRun`, `chargeRun`). */
export interface RunAt {
  readonly functionName: string;
  /** ISO 8601 with +09:00. */
  readonly at: string;
}

export interface ClockView {
  readonly now: string;
  /** The runs of the next two days, in order. */
  readonly upcoming: readonly RunAt[];
  /** Each run's daily time, HH:mm in Asia/Seoul. */
  readonly runTimes: ReadonlyArray<{ readonly functionName: string; readonly time: string }>;
}

/** POST /_local/clock: to an instant, or forward by days and/or hours. */
export interface ClockMove {
  readonly now?: string;
  readonly days?: number;
  readonly hours?: number;
}

export interface FiredRunView {
  readonly functionName: string;
  readonly scheduledTime: string;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

export interface ClockMoved {
  readonly now: string;
  readonly runs: readonly FiredRunView[];
}

export interface OutboxItemView {
  readonly channel: 'mail' | 'sms' | 'event' | 'webhook';
  readonly to: string;
  readonly subject?: string;
  readonly body: string;
  readonly kind: string;
  readonly sentAt: string;
  /** A webhook received by the dev sink: its Standard Webhooks headers (webhook-id, -timestamp, -signature). */
  readonly headers?: Readonly<Record<string, string>>;
  /** A webhook: what the sink answered (a sink URL with ?failFirst=n answers 503 to its first n requests). */
  readonly status?: number;
}

export interface QueueView {
  readonly name: string;
  readonly depth: number;
  readonly inFlight: number;
  readonly sent: number;
  readonly deleted: number;
  readonly deadLettered: number;
  readonly consumer?: { readonly worker: string };
  readonly lastError?: string;
  readonly deadLetterQueue?: { readonly depth: number; readonly messages: ReadonlyArray<{ readonly messageId: string; readonly receiveCount: number; readonly body: string }> };
}

export interface QueuesView {
  readonly queues: readonly QueueView[];
}

/** The sandbox window: a test card, or a KakaoPay choice for a ready's tid. */
export type SandboxAuthorization =
  | { readonly subscriptionId: string; readonly cardNumber: string }
  | { readonly subscriptionId: string; readonly kakaoPayMethod: 'card' | 'money'; readonly tid?: string };

/** GET /_local/sample-contracts: schema-valid sample credentials by gateway (never real keys). */
export type SampleContracts = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** A type that is `true` only when A and B are the same (used by the runtime's checks). */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

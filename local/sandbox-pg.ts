/**
 * The sandbox payment gateway, served by the local runtime under
 * `/_local/sandbox-pg/*` (never deployed). Two sides, like a real PG:
 * - the registration window (`authorize`): what a buyer's browser does in the
 *   PG's card popup; it answers an authKey;
 * - the server API the sandbox adapter (functions/adapters/gateways/sandbox.ts)
 *   calls over HTTP: issue a billing key, charge it, look a charge up by order
 *   id, delete the key.
 * Like a real PG it keeps card facts (issuer, last four, how the test card
 * behaves), never the card number. Its state survives a restart in
 * LOCAL_DATA/sandbox-pg.json — written to a temporary file and renamed over
 * it, so a process killed mid-write leaves the previous state whole — and is
 * kept in memory with LOCAL_DATA=memory. SANDBOX_PG_DELAY_MS makes its charge
 * and look-up answer after that long, as a real PG does (a few hundred ms).
 *
 * The rules mirror Toss Payments where the system depends on them: an authKey
 * is exchanged once; a billing key is bound to its customerKey; an
 * idempotency key answers its first result again; an order id that was paid
 * answers DUPLICATED_ORDER_ID to any other key. And KakaoPay's for its flow:
 * its window opens only for a tid the ready issued (for that subscription),
 * and the approve must name that same tid and the ready's customer, as
 * KakaoPay checks tid, partner_order_id and partner_user_id against its ready.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import * as z from 'zod';
import { systemClock, type Clock } from '../functions/core/clock.ts';
import { seoulDate, seoulTimestamp } from '../functions/core/dates.ts';
import { addMonths, type CardExpiry } from '../functions/domain/card-expiry.ts';
import { AppError, Conflict, Unprocessable } from '../functions/core/errors.ts';
import type { CardFacts } from '../functions/adapters/gateways/payment-gateway.ts';

/**
 * The contract's test cards (README.md lists them for users; test/unit/readme.test.ts checks the table).
 * `expiresIn`: the card's expiry month, counted in months from the month (sandbox clock, Seoul) the window
 * is used — so the expiring card (issue 14) always expires at the end of the next month, whatever the date.
 */
export const TEST_CARDS = {
  '9410000000000001': { issuer: 'Sandbox Card', domestic: true, cardType: 'credit', behaviour: 'succeeds', expiresIn: 60 },
  '9410000000000002': { issuer: 'Sandbox Card', domestic: true, cardType: 'credit', behaviour: 'declines', expiresIn: 60 },
  '9410000000000003': { issuer: 'Sandbox Card', domestic: true, cardType: 'credit', behaviour: 'times-out-after-capture', expiresIn: 60 },
  '9410000000000004': { issuer: 'Sandbox Card', domestic: true, cardType: 'credit', behaviour: 'succeeds', expiresIn: 1 },
  '4242424242424242': { issuer: 'Visa', domestic: false, cardType: 'credit', behaviour: 'succeeds', expiresIn: 60 },
} as const;

export type CardBehaviour = (typeof TEST_CARDS)[keyof typeof TEST_CARDS]['behaviour'];

/** What the decline card answers: Toss's code for "limit exceeded or insufficient balance". */
export const DECLINE = { code: 'REJECT_CARD_PAYMENT', message: 'Declined by the card company: insufficient funds (sandbox card 9410-0000-0000-0002).' } as const;

export interface Authorization {
  readonly authKey: string;
  readonly subscriptionId: string;
  readonly method: 'card' | 'kakaopay';
  readonly issuer: string;
  readonly last4: string | null;
  readonly domestic: boolean;
  readonly behaviour: CardBehaviour;
  readonly kakaoPayMethod?: 'card' | 'money';
  /** KakaoPay: the tid of the ready this window was opened for. */
  readonly tid?: string;
  readonly cardType?: CardFacts['cardType'];
  /** The test card's expiry month (absent for KakaoPay, which reports none). */
  readonly expiry?: CardExpiry;
  /** Set when the authKey was exchanged for a billing key: it is single-use. */
  readonly usedAt?: string;
}

export interface BillingKeyRecord {
  readonly billingKey: string;
  /** The key may only be charged or deleted for this customer. */
  readonly customerKey: string;
  readonly card: CardFacts;
  readonly behaviour: CardBehaviour;
  readonly issuedAt: string;
  /** How many charges were attempted with it (the time-out card times out on the first). */
  readonly chargeAttempts: number;
  readonly deletedAt?: string;
}

export interface PaymentRecord {
  readonly paymentKey: string;
  readonly orderId: string;
  readonly orderName: string;
  readonly amount: number;
  readonly method: CardFacts['method'];
  readonly billingKey: string;
  readonly customerKey: string;
  /** DONE: the money was taken. ABORTED: the card company declined. */
  readonly status: 'DONE' | 'ABORTED';
  readonly requestedAt: string;
  readonly approvedAt: string | null;
  readonly failure: { readonly code: string; readonly message: string } | null;
}

/** The sandbox's answer for a payment (charge and lookup). */
export type PaymentAnswer = Omit<PaymentRecord, 'billingKey' | 'customerKey' | 'requestedAt'>;

export interface IssuedBillingKeyAnswer {
  readonly billingKey: string;
  readonly customerKey: string;
  readonly card: CardFacts;
  readonly issuedAt: string;
}

/** A KakaoPay ready: the tid it issued, for which subscription (partner_order_id) and customer (partner_user_id). */
export interface ReadyRecord {
  readonly tid: string;
  readonly subscriptionId: string;
  readonly customerKey: string;
  readonly issuedAt: string;
}

interface SandboxState {
  readonly authorizations: Authorization[];
  /** Absent in files written before the KakaoPay ready was kept. */
  readonly readies?: ReadyRecord[];
  readonly billingKeys: BillingKeyRecord[];
  readonly payments: PaymentRecord[];
  /** idempotency key → the payment its first request made. */
  readonly idempotencyKeys: Record<string, string>;
}

// Toss Payments' formats, so a value the sandbox accepts is one Toss accepts too.
const customerKey = z.string().regex(/^[A-Za-z0-9_=.@-]{2,300}$/, 'A customerKey is 2–300 letters, digits or - _ = . @ (as Toss Payments requires).');
const orderId = z.string().regex(/^[A-Za-z0-9_=-]{6,64}$/, 'An orderId is 6–64 letters, digits or - _ = (as Toss Payments requires).');

export const authorizeBody = z.union([
  z.strictObject({ subscriptionId: z.string().min(1).max(64), cardNumber: z.string().regex(/^\d{4}-?\d{4}-?\d{4}-?\d{4}$/, 'A card number is 16 digits, optionally in groups of four.') }),
  // KakaoPay's window is opened for a ready's tid (its redirect URL carries it); without one, the subscription's latest ready.
  z.strictObject({ subscriptionId: z.string().min(1).max(64), kakaoPayMethod: z.enum(['card', 'money']), tid: z.string().min(1).max(64).optional() }),
]);

/** `tid`: KakaoPay's approve names the ready it completes; card flows send none. */
export const issueBillingKeyBody = z.strictObject({ authKey: z.string().min(1).max(300), customerKey, tid: z.string().min(1).max(64).optional() });

export const deleteBillingKeyBody = z.strictObject({ billingKey: z.string().min(1).max(300), customerKey });

export const chargeBody = z.strictObject({
  billingKey: z.string().min(1).max(300),
  customerKey,
  amount: z.number().int().positive(),
  orderId,
  orderName: z.string().min(1).max(100),
  idempotencyKey: z.string().min(1).max(300),
  customerEmail: z.email().optional(),
});

export const lookupQuery = z.strictObject({ orderId: z.string().min(1).max(64) });

export const listBillingKeysBody = z.strictObject({ customerKey });

export const liveBillingKeysQuery = z.strictObject({ customerKey: customerKey.optional() });

/** `sbx_bk_1a2b…9f0e` → `sbx_bk_1a2b…9f0e` with the middle hidden: enough to tell keys apart, not to use one. */
export function maskBillingKey(billingKey: string): string {
  return billingKey.length <= 12 ? '****' : `${billingKey.slice(0, 10)}****${billingKey.slice(-4)}`;
}

/** KakaoPay's shape: the subscription "ready" before the buyer's window (our adapter sends these three). */
export const readyBody = z.strictObject({ subscriptionId: z.string().min(1).max(64), customerKey, itemName: z.string().min(1).max(100) });

const token = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

export class SandboxPg {
  private readonly authorizations = new Map<string, Authorization>();
  private readonly readies = new Map<string, ReadyRecord>();
  private readonly billingKeys = new Map<string, BillingKeyRecord>();
  private readonly payments = new Map<string, PaymentRecord>();
  /** The payments of each order id, oldest first: what the duplicate check and the look-up read, without a scan. */
  private readonly paymentsByOrder = new Map<string, PaymentRecord[]>();
  private readonly idempotencyKeys = new Map<string, string>();

  /** How long a charge or a look-up takes to answer (SANDBOX_PG_DELAY_MS; the bench varies it). */
  answerDelayMs = 0;

  constructor(
    private readonly stateFile: string | null,
    private readonly clock: Clock = systemClock,
  ) {
    if (stateFile && existsSync(stateFile)) this.load(JSON.parse(readFileSync(stateFile, 'utf8')) as SandboxState | Authorization[]);
  }

  /** `dataDir` null keeps everything in memory; the clock stamps approvals (the local runtime's simulated one). */
  static create(dataDir: string | null, clock?: Clock, options: { readonly answerDelayMs?: number } = {}): SandboxPg {
    const pg = new SandboxPg(dataDir ? join(dataDir, 'sandbox-pg.json') : null, clock);
    pg.answerDelayMs = options.answerDelayMs ?? 0;
    return pg;
  }

  /** Waits as long as the PG takes to answer a charge or a look-up. */
  async answerDelay(): Promise<void> {
    if (this.answerDelayMs > 0) await sleep(this.answerDelayMs);
  }

  /** The registration window: a test card (or a KakaoPay choice) → a single-use authKey. */
  authorize(request: z.infer<typeof authorizeBody>): { authKey: string } {
    const authKey = token('sbx_auth');
    let authorization: Authorization;
    if ('cardNumber' in request) {
      const digits = request.cardNumber.replace(/-/g, '');
      const card = TEST_CARDS[digits as keyof typeof TEST_CARDS];
      if (!card) throw new Unprocessable('UNKNOWN_TEST_CARD', 'The sandbox only knows the test cards listed in README.md.', [{ path: 'cardNumber', message: 'Not a sandbox test card.' }]);
      const [year, month] = seoulDate(this.clock.now()).split('-').map(Number) as [number, number];
      const expiry = addMonths({ year, month }, card.expiresIn);
      authorization = { authKey, subscriptionId: request.subscriptionId, method: 'card', issuer: card.issuer, last4: digits.slice(-4), domestic: card.domestic, cardType: card.cardType, behaviour: card.behaviour, expiry };
    } else {
      const ready = this.readyFor(request.subscriptionId, request.tid);
      authorization = { authKey, subscriptionId: request.subscriptionId, method: 'kakaopay', issuer: 'KakaoPay', last4: null, domestic: true, cardType: 'unknown', behaviour: 'succeeds', kakaoPayMethod: request.kakaoPayMethod, tid: ready.tid };
    }
    this.authorizations.set(authKey, authorization);
    this.persist();
    return { authKey };
  }

  /** KakaoPay's "ready": a tid for the registration, and where the buyer's window opens (here: the authorize endpoint). */
  ready(request: z.infer<typeof readyBody>): { tid: string; nextRedirectPcUrl: string; nextRedirectMobileUrl: string } {
    const tid = token('sbx_tid');
    this.readies.set(tid, { tid, subscriptionId: request.subscriptionId, customerKey: request.customerKey, issuedAt: seoulTimestamp(this.clock.now()) });
    this.persist();
    const url = `/_local/sandbox-pg/authorize?${new URLSearchParams({ subscriptionId: request.subscriptionId, tid })}`;
    return { tid, nextRedirectPcUrl: url, nextRedirectMobileUrl: url };
  }

  /** The ready a KakaoPay window belongs to: the tid named (issued here, for this subscription), else the subscription's latest. */
  private readyFor(subscriptionId: string, tid: string | undefined): ReadyRecord {
    if (tid !== undefined) {
      const ready = this.readies.get(tid);
      if (!ready || ready.subscriptionId !== subscriptionId) throw new Unprocessable('INVALID_TID', 'The sandbox issued no such tid for this subscription; open the window from its ready.', [{ path: 'tid', message: 'Not a tid of this subscription.' }]);
      return ready;
    }
    const latest = [...this.readies.values()].filter((ready) => ready.subscriptionId === subscriptionId).at(-1);
    if (!latest) throw new Unprocessable('NO_READY', "KakaoPay's window opens only after a ready for this subscription (a KakaoPay signup).");
    return latest;
  }

  /** What the window recorded for an authKey (tests and debugging). */
  authorization(authKey: string): Authorization | undefined {
    return this.authorizations.get(authKey);
  }

  /** A billing key as the PG keeps it (tests and debugging). */
  billingKey(billingKey: string): BillingKeyRecord | undefined {
    return this.billingKeys.get(billingKey);
  }

  /** Exchanges an authKey (once) for a billing key bound to `customerKey`. A foreign card is issued, with `foreign: true`: refusing it is the shop's rule (S16), not the PG's. */
  issueBillingKey(request: z.infer<typeof issueBillingKeyBody>): IssuedBillingKeyAnswer {
    const authorization = this.authorizations.get(request.authKey);
    if (!authorization) throw new Unprocessable('INVALID_AUTH_KEY', 'The sandbox issued no such authKey.');
    if (authorization.usedAt) throw new Unprocessable('AUTH_KEY_ALREADY_USED', 'This authKey was already exchanged for a billing key; open the registration window again.');
    this.checkApprove(authorization, request);

    const now = seoulTimestamp(this.clock.now());
    const card: CardFacts = {
      method: authorization.method,
      issuer: authorization.issuer,
      last4: authorization.last4,
      cardType: authorization.cardType ?? 'unknown',
      foreign: !authorization.domestic,
      ...(authorization.kakaoPayMethod ? { kakaoPayMethod: authorization.kakaoPayMethod } : {}),
      ...(authorization.expiry ? { expiry: authorization.expiry } : {}),
    };
    const record: BillingKeyRecord = { billingKey: token('sbx_bk'), customerKey: request.customerKey, card, behaviour: authorization.behaviour, issuedAt: now, chargeAttempts: 0 };
    this.authorizations.set(authorization.authKey, { ...authorization, usedAt: now });
    this.billingKeys.set(record.billingKey, record);
    this.persist();
    return { billingKey: record.billingKey, customerKey: record.customerKey, card, issuedAt: now };
  }

  /**
   * Charges a billing key. Answers the payment (DONE) or throws the PG's refusal:
   * 422 with the card company's code when declined, 409 DUPLICATED_ORDER_ID
   * when the order id was already paid under another idempotency key.
   *
   * The time-out card (9410-0000-0000-0003): the first charge attempt with a
   * key is captured (recorded DONE, under its idempotency key) and then
   * answered 504 GATEWAY_TIMEOUT, as a PG's front door does when the card
   * network's answer came too late. The caller cannot know the money was
   * taken; a lookup by order id, or the same idempotency key again, says DONE.
   */
  charge(request: z.infer<typeof chargeBody>): PaymentAnswer {
    const first = this.idempotencyKeys.get(request.idempotencyKey);
    if (first) return answer(this.payments.get(first)!);

    const key = this.billingKeys.get(request.billingKey);
    if (!key || key.deletedAt) throw new Unprocessable('NOT_FOUND_BILLING_KEY', key ? 'This billing key was deleted.' : 'The sandbox issued no such billing key.');
    if (key.customerKey !== request.customerKey) throw new Unprocessable('CUSTOMER_KEY_MISMATCH', 'This billing key belongs to another customerKey.');
    if (this.paidPayment(request.orderId)) throw new Conflict('DUPLICATED_ORDER_ID', 'This orderId was already paid; look it up instead of charging again.');

    const attempt = key.chargeAttempts + 1;
    const now = seoulTimestamp(this.clock.now());
    const declined = key.behaviour === 'declines';
    const payment: PaymentRecord = {
      paymentKey: token('sbx_pay'),
      orderId: request.orderId,
      orderName: request.orderName,
      amount: request.amount,
      method: key.card.method,
      billingKey: key.billingKey,
      customerKey: key.customerKey,
      status: declined ? 'ABORTED' : 'DONE',
      requestedAt: now,
      approvedAt: declined ? null : now,
      failure: declined ? DECLINE : null,
    };
    this.billingKeys.set(key.billingKey, { ...key, chargeAttempts: attempt });
    this.record(payment);
    this.idempotencyKeys.set(request.idempotencyKey, payment.paymentKey);
    this.persist();

    if (key.behaviour === 'times-out-after-capture' && attempt === 1) {
      throw new AppError(504, 'GATEWAY_TIMEOUT', 'The card network did not answer in time; the outcome of this payment is unknown.');
    }
    return answer(payment);
  }

  /** The payment for an order id: the paid one if any, else the latest declined attempt; 404 NOT_FOUND_PAYMENT when none. */
  findPaymentByOrderId(orderId: string): PaymentAnswer {
    const attempts = this.paymentsByOrder.get(orderId) ?? [];
    const payment = attempts.find((p) => p.status === 'DONE') ?? attempts.at(-1);
    if (!payment) throw new AppError(404, 'NOT_FOUND_PAYMENT', 'No payment was made for this orderId.');
    return view(payment);
  }

  /** The live (not deleted) billing keys, of one customerKey or all, oldest first: whole for the adapter, masked for people. */
  liveBillingKeys(customerKey?: string): Array<{ billingKey: string; customerKey: string; method: CardFacts['method']; issuedAt: string }> {
    return [...this.billingKeys.values()]
      .filter((key) => !key.deletedAt && (customerKey === undefined || key.customerKey === customerKey))
      .map((key) => ({ billingKey: key.billingKey, customerKey: key.customerKey, method: key.card.method, issuedAt: key.issuedAt }));
  }

  /** Deletes a billing key; deleting one that is unknown or already deleted succeeds (`deleted: false`). */
  deleteBillingKey(request: z.infer<typeof deleteBillingKeyBody>): { billingKey: string; deleted: boolean } {
    const key = this.billingKeys.get(request.billingKey);
    if (key && key.customerKey !== request.customerKey) throw new Unprocessable('CUSTOMER_KEY_MISMATCH', 'This billing key belongs to another customerKey.');
    if (!key || key.deletedAt) return { billingKey: request.billingKey, deleted: false };
    this.billingKeys.set(key.billingKey, { ...key, deletedAt: seoulTimestamp(this.clock.now()) });
    this.persist();
    return { billingKey: key.billingKey, deleted: true };
  }

  /** KakaoPay's approve: the tid of the window's ready, by the ready's customer. A card flow has no tid. */
  private checkApprove(authorization: Authorization, request: z.infer<typeof issueBillingKeyBody>): void {
    if (authorization.method !== 'kakaopay') {
      if (request.tid !== undefined) throw new Unprocessable('INVALID_TID', 'A card registration has no tid; only a KakaoPay approve names one.');
      return;
    }
    const ready = request.tid === undefined ? undefined : this.readies.get(request.tid);
    if (!ready || request.tid !== authorization.tid) throw new Unprocessable('INVALID_TID', "The approve must name the tid of this payment's ready.", [{ path: 'tid', message: request.tid === undefined ? 'Missing.' : 'Not the tid this pg_token was issued for.' }]);
    if (ready.customerKey !== request.customerKey) throw new Unprocessable('INVALID_USER', 'partner_user_id differs from the one given at ready.');
  }

  private paidPayment(orderId: string): PaymentRecord | undefined {
    return this.paymentsByOrder.get(orderId)?.find((payment) => payment.status === 'DONE');
  }

  private record(payment: PaymentRecord): void {
    this.payments.set(payment.paymentKey, payment);
    this.paymentsByOrder.set(payment.orderId, [...(this.paymentsByOrder.get(payment.orderId) ?? []), payment]);
  }

  private load(state: SandboxState | Authorization[]): void {
    // Before the PG's server side existed the file held only the authorizations.
    const full: SandboxState = Array.isArray(state) ? { authorizations: state, billingKeys: [], payments: [], idempotencyKeys: {} } : state;
    for (const entry of full.authorizations) this.authorizations.set(entry.authKey, entry);
    for (const entry of full.readies ?? []) this.readies.set(entry.tid, entry);
    for (const entry of full.billingKeys) this.billingKeys.set(entry.billingKey, entry);
    for (const entry of full.payments) this.record(entry);
    for (const [key, paymentKey] of Object.entries(full.idempotencyKeys)) this.idempotencyKeys.set(key, paymentKey);
  }

  private persist(): void {
    if (!this.stateFile) return;
    const state: SandboxState = {
      authorizations: [...this.authorizations.values()],
      readies: [...this.readies.values()],
      billingKeys: [...this.billingKeys.values()],
      payments: [...this.payments.values()],
      idempotencyKeys: Object.fromEntries(this.idempotencyKeys),
    };
    // Write, then rename over the old file: a process killed half-way leaves the previous state whole.
    const partial = `${this.stateFile}.${process.pid}.tmp`;
    writeFileSync(partial, JSON.stringify(state));
    renameSync(partial, this.stateFile);
  }
}

function view(payment: PaymentRecord): PaymentAnswer {
  const { paymentKey, orderId, orderName, amount, method, status, approvedAt, failure } = payment;
  return { paymentKey, orderId, orderName, amount, method, status, approvedAt, failure };
}

/** A charge's answer: the payment when it was taken, the card company's refusal (422) when declined. */
function answer(payment: PaymentRecord): PaymentAnswer {
  if (payment.status === 'ABORTED' && payment.failure) throw new Unprocessable(payment.failure.code, payment.failure.message);
  return view(payment);
}

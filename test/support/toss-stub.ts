/**
 * A local stand-in for Toss Payments' billing API that holds clients to Toss's
 * documented contract, and refuses what Toss refuses — so a contract test that
 * passes here says something about the client, not about the stub.
 *
 * Endpoints (https://docs.tosspayments.com/reference):
 * - POST   /v1/billing/authorizations/issue   {authKey, customerKey}          → Billing object
 * - POST   /v1/billing/{billingKey}           {customerKey, amount, orderId, orderName, customerEmail?, …} → Payment
 * - GET    /v1/payments/orders/{orderId}                                       → Payment | 404 NOT_FOUND_PAYMENT
 * - DELETE /v1/billing/{billingKey}                                            → 200, empty body
 *   (deletion: from integrations citing Toss's reference, not confirmed on the docs page — see tosspayments.ts)
 *
 * Checks, in the order Toss would meet them:
 * - Basic auth with the secret key and an empty password
 *   (https://docs.tosspayments.com/reference/using-api/authorization): missing or
 *   wrong → 401 UNAUTHORIZED_KEY; no ':' in the decoded value → 400 INCORRECT_BASIC_AUTH_FORMAT.
 * - JSON bodies (`Content-Type: application/json`), required fields and their types
 *   → 400 INVALID_REQUEST. Field rules from the docs: customerKey 2–50 chars of
 *   letters, digits and - _ = . @, with at least one of those specials (the doc
 *   sentence can be read either way; every doc example has one, so the stub takes
 *   the stricter reading); orderId 6–64 chars of letters, digits, - and _;
 *   orderName ≤ 100 chars; amount an integer, ≥ 100 for cards → BELOW_MINIMUM_AMOUNT.
 * - Idempotency (https://docs.tosspayments.com/reference/using-api/idempotency-key):
 *   the same key (≤ 300 chars) answers the first response again without running
 *   the request. Only successful answers are remembered — whether Toss replays
 *   errors is not documented. **Stricter than Toss:** a charge without an
 *   Idempotency-Key is refused (400 INVALID_REQUEST), because our port requires
 *   one; Toss treats the header as optional. `requireIdempotencyKey: false` turns
 *   that off.
 * - **Stricter than Toss:** unknown body fields are refused (400 INVALID_REQUEST),
 *   so a misspelt optional field (`customer_email`) cannot go unnoticed.
 *
 * Error codes/messages from https://docs.tosspayments.com/reference/error-codes; the
 * ones for an unknown authKey (INVALID_BILLING_AUTH) and for deleting a missing key
 * (ALREADY_REMOVED_BILLING_KEY / NOT_FOUND_BILLING_KEY) are what integrations report,
 * not on the docs page.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { startStubServer, StubRefusal } from './pg-stub-server.ts';

export type TossCardType = '신용' | '체크' | '기프트' | '미확인';

/** How charges on a card end, by Toss's error code. */
export const STUB_DECLINES = {
  REJECT_CARD_PAYMENT: { status: 403, message: '한도초과 혹은 잔액부족으로 결제에 실패했습니다.' },
  INVALID_STOPPED_CARD: { status: 400, message: '정지된 카드 입니다.' },
  INVALID_REJECT_CARD: { status: 400, message: '카드 사용이 거절되었습니다. 카드사 문의가 필요합니다.' },
  INVALID_CARD_EXPIRATION: { status: 400, message: '카드 정보를 다시 확인해주세요. (유효기간)' },
  EXCEED_MAX_DAILY_PAYMENT_COUNT: { status: 400, message: '하루 결제 가능 횟수를 초과했습니다.' },
  REJECT_CARD_COMPANY: { status: 403, message: '결제 승인이 거절되었습니다.' },
} as const;
export type StubDeclineCode = keyof typeof STUB_DECLINES;
export type CardBehaviour = 'approve' | StubDeclineCode;

export interface StubCard {
  /** Toss card-company code (11 KB국민, 4V Visa, …). */
  readonly issuerCode: string;
  /** Masked, as Toss shows it: "433012******1234". */
  readonly number: string;
  readonly cardType: TossCardType;
  readonly acquirerCode?: string;
  readonly ownerType?: '개인' | '법인' | '미확인';
  /** What every charge on this card does (default approve). */
  readonly behaviour?: CardBehaviour;
  /** The customerKey the registration window was opened with; issuing with another is refused. */
  readonly customerKey?: string;
}

export interface RecordedRequest {
  readonly method: string;
  /** Raw request target, percent-encoding intact. */
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** Parsed JSON body, or undefined. */
  readonly body: unknown;
}

export interface InjectedFailure {
  readonly status: number;
  readonly code: string;
  readonly message?: string;
  /** Charge only: take the money first, then answer the error (a lost success). */
  readonly captured?: boolean;
}

type Route = 'issue' | 'charge' | 'lookup' | 'delete';

export interface TossStub {
  readonly url: string;
  readonly secretKey: string;
  readonly clientKey: string;
  /** Every request received, refused ones included. */
  readonly requests: RecordedRequest[];
  /** Registers what the registration window would hand back for a card. */
  addAuthKey(authKey: string, card: StubCard): void;
  /** The next request to `route` fails this way (after auth and validation). */
  failNext(route: Route, failure: InjectedFailure): void;
  /** The next approved charge takes the money at once but answers only after `delayMs`. */
  slowNext(delayMs: number): void;
  /** Approved charges (money taken), optionally for one order. */
  captureCount(orderId?: string): number;
  /** The Payment object Toss holds for an order, if any. */
  payment(orderId: string): Record<string, unknown> | undefined;
  isBillingKeyActive(billingKey: string): boolean;
  stop(): Promise<void>;
}

export interface TossStubOptions {
  readonly secretKey?: string;
  /** More merchants' secret keys the stub accepts (several shops' own contracts with the same PG). */
  readonly extraSecretKeys?: readonly string[];
  readonly clientKey?: string;
  readonly requireIdempotencyKey?: boolean;
}

const CUSTOMER_KEY = /^[A-Za-z0-9\-_=.@]{2,50}$/;
const CUSTOMER_KEY_SPECIAL = /[-_=.@]/;
const ORDER_ID = /^[A-Za-z0-9\-_]{6,64}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MINIMUM_CARD_AMOUNT = 100;
const MID = 'tstubmerchant';

/** Documented optional fields of the billing approval, beyond the required four. */
const CHARGE_FIELDS = new Set([
  'customerKey',
  'amount',
  'orderId',
  'orderName',
  'customerEmail',
  'customerName',
  'customerMobilePhone',
  'taxFreeAmount',
  'taxExemptionAmount',
  'cardInstallmentPlan',
]);
const ISSUE_FIELDS = new Set(['authKey', 'customerKey']);

interface BillingKeyRecord {
  readonly customerKey: string;
  readonly card: StubCard;
  active: boolean;
}

interface Reply {
  readonly status: number;
  readonly body?: unknown;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Starts the stub on 127.0.0.1 and a free port. */
export async function startTossStub(options: TossStubOptions = {}): Promise<TossStub> {
  const secretKey = options.secretKey ?? `test_sk_stub${randomUUID().replace(/-/g, '')}`;
  const clientKey = options.clientKey ?? `test_ck_stub${randomUUID().replace(/-/g, '')}`;
  const requireIdempotencyKey = options.requireIdempotencyKey ?? true;

  const authKeys = new Map<string, { card: StubCard; used: boolean }>();
  const billingKeys = new Map<string, BillingKeyRecord>();
  const payments = new Map<string, Record<string, unknown>>();
  const idempotent = new Map<string, Reply>();
  const failures: Record<Route, InjectedFailure[]> = { issue: [], charge: [], lookup: [], delete: [] };
  const slow: number[] = [];
  const captures: string[] = [];

  function authenticate(headers: IncomingHttpHeaders): void {
    const header = headers.authorization;
    const match = header === undefined ? null : /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    if (match === null || match[1] === undefined) {
      throw new Refusal(401, 'UNAUTHORIZED_KEY', '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.');
    }
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    if (!decoded.includes(':')) {
      throw new Refusal(400, 'INCORRECT_BASIC_AUTH_FORMAT', "잘못된 요청입니다. ':' 를 포함해 인코딩해주세요.");
    }
    if (decoded !== `${secretKey}:` && !(options.extraSecretKeys ?? []).some((key) => decoded === `${key}:`)) {
      throw new Refusal(401, 'UNAUTHORIZED_KEY', '인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.');
    }
  }

  function jsonBody(request: RecordedRequest, allowed: ReadonlySet<string>): Record<string, unknown> {
    const contentType = request.headers['content-type'] ?? '';
    if (!/^application\/json\b/i.test(contentType)) throw invalid('Content-Type must be application/json.');
    const body = request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('The body must be a JSON object.');
    const record = body as Record<string, unknown>;
    for (const field of Object.keys(record)) {
      if (!allowed.has(field)) throw invalid(`Unknown field ${field}.`);
    }
    return record;
  }

  function checkCustomerKey(value: unknown): string {
    if (typeof value !== 'string') throw invalid('customerKey is required.');
    if (!CUSTOMER_KEY.test(value) || !CUSTOMER_KEY_SPECIAL.test(value)) {
      throw invalid('customerKey: 2–50 characters of letters, digits and - _ = . @, with at least one of those.');
    }
    return value;
  }

  function issue(request: RecordedRequest): Reply {
    const body = jsonBody(request, ISSUE_FIELDS);
    const authKey = body.authKey;
    if (typeof authKey !== 'string' || authKey === '' || authKey.length > 300) throw invalid('authKey is required (at most 300 characters).');
    const customerKey = checkCustomerKey(body.customerKey);
    const failure = failures.issue.shift();
    if (failure !== undefined) throw new Refusal(failure.status, failure.code, failure.message ?? failure.code);
    const registered = authKeys.get(authKey);
    if (registered === undefined || registered.used) {
      throw new Refusal(400, 'INVALID_BILLING_AUTH', '빌링 인증 정보가 유효하지 않습니다.');
    }
    if (registered.card.customerKey !== undefined && registered.card.customerKey !== customerKey) {
      throw new Refusal(400, 'NOT_MATCHES_CUSTOMER_KEY', '빌링 인증 고객키와 결제 요청 고객키가 일치하지 않습니다.');
    }
    registered.used = true;
    const billingKey = newBillingKey();
    billingKeys.set(billingKey, { customerKey, card: registered.card, active: true });
    const { card } = registered;
    return {
      status: 200,
      body: {
        mId: MID,
        customerKey,
        authenticatedAt: kst(new Date()),
        method: '카드',
        billingKey,
        card: {
          issuerCode: card.issuerCode,
          acquirerCode: card.acquirerCode ?? card.issuerCode,
          number: card.number,
          cardType: card.cardType,
          ownerType: card.ownerType ?? '개인',
        },
      },
    };
  }

  function charge(request: RecordedRequest, billingKey: string): Reply & { delayMs?: number } {
    const body = jsonBody(request, CHARGE_FIELDS);
    const customerKey = checkCustomerKey(body.customerKey);
    const { amount, orderId, orderName, customerEmail } = body;
    if (typeof amount !== 'number' || !Number.isInteger(amount) || amount <= 0) throw invalid('amount must be a positive integer.');
    if (typeof orderId !== 'string' || !ORDER_ID.test(orderId)) throw invalid('orderId: 6–64 characters of letters, digits, - and _.');
    if (typeof orderName !== 'string' || orderName === '' || orderName.length > 100) throw invalid('orderName is required (at most 100 characters).');
    if (customerEmail !== undefined && (typeof customerEmail !== 'string' || customerEmail.length > 100 || !EMAIL.test(customerEmail))) {
      throw new Refusal(400, 'INVALID_EMAIL', '유효하지 않은 이메일 주소 형식입니다.');
    }
    for (const field of ['taxFreeAmount', 'taxExemptionAmount', 'cardInstallmentPlan'] as const) {
      if (body[field] !== undefined && (typeof body[field] !== 'number' || !Number.isInteger(body[field]))) throw invalid(`${field} must be an integer.`);
    }

    const record = billingKeys.get(billingKey);
    if (record === undefined || !record.active) {
      throw new Refusal(400, 'INVALID_BILL_KEY_REQUEST', '빌링키 인증이 완료되지 않았거나 유효하지 않은 빌링 거래 건입니다.');
    }
    if (record.customerKey !== customerKey) {
      throw new Refusal(400, 'NOT_MATCHES_CUSTOMER_KEY', '빌링 인증 고객키와 결제 요청 고객키가 일치하지 않습니다.');
    }
    const previous = payments.get(orderId);
    if (previous !== undefined && previous.status !== 'ABORTED') {
      throw new Refusal(400, 'DUPLICATED_ORDER_ID', '이미 승인 및 취소가 진행된 중복된 주문번호 입니다. 다른 주문번호로 진행해주세요.');
    }
    if (amount < MINIMUM_CARD_AMOUNT) {
      throw new Refusal(400, 'BELOW_MINIMUM_AMOUNT', '신용카드는 결제금액이 100원 이상, 계좌는 200원이상부터 결제가 가능합니다.');
    }

    const failure = failures.charge.shift();
    if (failure !== undefined) {
      if (failure.captured === true) capture(orderId, orderName, amount, record);
      throw new Refusal(failure.status, failure.code, failure.message ?? failure.code);
    }
    const behaviour = record.card.behaviour ?? 'approve';
    if (behaviour !== 'approve') {
      const decline = STUB_DECLINES[behaviour];
      // Toss keeps a failed attempt as an ABORTED payment carrying the error (error-codes page, 에러 객체).
      payments.set(orderId, paymentObject(orderId, orderName, amount, record, 'ABORTED', { code: behaviour, message: decline.message }));
      throw new Refusal(decline.status, behaviour, decline.message);
    }
    const payment = capture(orderId, orderName, amount, record);
    return { status: 200, body: payment, delayMs: slow.shift() };
  }

  function capture(orderId: string, orderName: string, amount: number, record: BillingKeyRecord): Record<string, unknown> {
    const payment = paymentObject(orderId, orderName, amount, record, 'DONE');
    payments.set(orderId, payment);
    captures.push(orderId);
    return payment;
  }

  function lookup(orderId: string): Reply {
    const failure = failures.lookup.shift();
    if (failure !== undefined) throw new Refusal(failure.status, failure.code, failure.message ?? failure.code);
    const payment = payments.get(orderId);
    if (payment === undefined) throw new Refusal(404, 'NOT_FOUND_PAYMENT', '존재하지 않는 결제 입니다.');
    return { status: 200, body: payment };
  }

  function remove(billingKey: string): Reply {
    const failure = failures.delete.shift();
    if (failure !== undefined) throw new Refusal(failure.status, failure.code, failure.message ?? failure.code);
    const record = billingKeys.get(billingKey);
    if (record === undefined) throw new Refusal(404, 'NOT_FOUND_BILLING_KEY', '존재하지 않는 빌링키입니다.');
    if (!record.active) throw new Refusal(400, 'ALREADY_REMOVED_BILLING_KEY', '이미 삭제된 빌링키입니다.');
    record.active = false;
    return { status: 200 };
  }

  function route(request: RecordedRequest): Reply & { delayMs?: number } {
    authenticate(request.headers);
    const path = request.url.split('?')[0] ?? '';
    const segments = path.split('/');
    const decode = (segment: string | undefined): string => {
      try {
        return decodeURIComponent(segment ?? '');
      } catch {
        throw invalid('Malformed percent-encoding in the path.');
      }
    };
    if (request.method === 'POST' && path === '/v1/billing/authorizations/issue') return issue(request);
    if (segments.length === 4 && segments[1] === 'v1' && segments[2] === 'billing' && segments[3] !== '') {
      const billingKey = decode(segments[3]);
      if (request.method === 'POST') return idempotently(request, () => charge(request, billingKey));
      if (request.method === 'DELETE') return remove(billingKey);
    }
    if (request.method === 'GET' && segments.length === 5 && segments[1] === 'v1' && segments[2] === 'payments' && segments[3] === 'orders' && segments[4] !== '') {
      return lookup(decode(segments[4]));
    }
    throw new Refusal(404, 'NOT_FOUND', '존재하지 않는 정보 입니다.');
  }

  function idempotently(request: RecordedRequest, run: () => Reply & { delayMs?: number }): Reply & { delayMs?: number } {
    const key = request.headers['idempotency-key'];
    if (typeof key !== 'string' || key === '') {
      if (requireIdempotencyKey) throw invalid('Idempotency-Key is required (stub policy: our port always sends one).');
      return run();
    }
    if (key.length > 300) throw invalid('Idempotency-Key: at most 300 characters.');
    const slot = `${request.method} ${request.url.split('?')[0] ?? ''} ${key}`;
    const first = idempotent.get(slot);
    if (first !== undefined) return first;
    const reply = run();
    if (reply.status >= 200 && reply.status < 300) idempotent.set(slot, { status: reply.status, body: reply.body });
    return reply;
  }

  const server = await startStubServer(
    (request) => {
      try {
        return route(request);
      } catch (error) {
        if (error instanceof Refusal) throw new StubRefusal(error.status, { code: error.code, message: error.message });
        throw error;
      }
    },
    { status: 500, body: { code: 'FAILED_INTERNAL_SYSTEM_PROCESSING', message: '내부 시스템 처리 작업이 실패했습니다. 잠시 후 다시 시도해주세요.' } },
  );

  return {
    url: server.url,
    secretKey,
    clientKey,
    requests: server.requests,
    addAuthKey(authKey, card) {
      authKeys.set(authKey, { card, used: false });
    },
    failNext(route, failure) {
      failures[route].push(failure);
    },
    slowNext(delayMs) {
      slow.push(delayMs);
    },
    captureCount(orderId) {
      return orderId === undefined ? captures.length : captures.filter((captured) => captured === orderId).length;
    },
    payment(orderId) {
      return payments.get(orderId);
    },
    isBillingKeyActive(billingKey) {
      return billingKeys.get(billingKey)?.active === true;
    },
    stop: server.stop,
  };
}

function invalid(message: string): Refusal {
  return new Refusal(400, 'INVALID_REQUEST', `잘못된 요청입니다. ${message}`);
}

/** Real billing keys are base64 ("MTfg…yI="): make every one carry '/', '+' and '=' so an unencoded path breaks. */
function newBillingKey(): string {
  for (;;) {
    const key = `${randomBytes(30).toString('base64')}=`;
    if (key.includes('/') && key.includes('+')) return key;
  }
}

function paymentObject(
  orderId: string,
  orderName: string,
  amount: number,
  record: BillingKeyRecord,
  status: 'DONE' | 'ABORTED',
  failure?: { code: string; message: string },
): Record<string, unknown> {
  const now = kst(new Date());
  const done = status === 'DONE';
  return {
    mId: MID,
    version: '2022-11-16',
    paymentKey: `tstub${randomBytes(12).toString('hex')}`,
    type: 'BILLING',
    orderId,
    orderName,
    currency: 'KRW',
    method: '카드',
    totalAmount: amount,
    balanceAmount: done ? amount : 0,
    suppliedAmount: done ? Math.round(amount / 1.1) : 0,
    vat: done ? amount - Math.round(amount / 1.1) : 0,
    taxFreeAmount: 0,
    taxExemptionAmount: 0,
    status,
    requestedAt: now,
    approvedAt: done ? now : null,
    useEscrow: false,
    cultureExpense: false,
    card: {
      issuerCode: record.card.issuerCode,
      acquirerCode: record.card.acquirerCode ?? record.card.issuerCode,
      number: record.card.number,
      installmentPlanMonths: 0,
      isInterestFree: false,
      interestPayer: null,
      approveNo: done ? String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0') : '00000000',
      useCardPoint: false,
      cardType: record.card.cardType,
      ownerType: record.card.ownerType ?? '개인',
      acquireStatus: 'READY',
      amount,
    },
    cancels: null,
    failure: failure ?? null,
    country: 'KR',
  };
}

/** ISO 8601 in Asia/Seoul, as Toss writes its timestamps ("2022-01-01T00:00:00+09:00"). */
function kst(date: Date): string {
  return `${new Date(date.getTime() + 9 * 3_600_000).toISOString().slice(0, 19)}+09:00`;
}

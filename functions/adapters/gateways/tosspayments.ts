/**
 * Toss Payments (토스페이먼츠) billing — 자동결제 — behind the payment-gateway port.
 *
 * Documented facts this client relies on (the code is ours):
 * - Auth: `Authorization: Basic base64(secretKey + ':')` — the secret key is the
 *   user name, the password is empty, the colon is mandatory.
 *   https://docs.tosspayments.com/reference/using-api/authorization
 * - Idempotency: an `Idempotency-Key` header (≤ 300 chars, valid 15 days) makes
 *   a repeated request answer the first response instead of running again.
 *   https://docs.tosspayments.com/reference/using-api/idempotency-key
 * - Billing-key issue: `POST /v1/billing/authorizations/issue` `{authKey, customerKey}`
 *   → Billing object (`billingKey`, `card.{issuerCode, acquirerCode, number, cardType, ownerType}`).
 *   https://docs.tosspayments.com/reference#자동결제 ,
 *   https://docs.tosspayments.com/guides/v2/billing/integration-api
 * - Billing approval: `POST /v1/billing/{billingKey}` `{customerKey, amount, orderId, orderName, customerEmail?}`
 *   → Payment object. https://docs.tosspayments.com/reference#자동결제-승인
 * - Lookup: `GET /v1/payments/orders/{orderId}` → Payment object, or 404 NOT_FOUND_PAYMENT.
 *   https://docs.tosspayments.com/reference#orderid로-결제-조회
 * - Payment object: `status` READY | IN_PROGRESS | WAITING_FOR_DEPOSIT | DONE | CANCELED |
 *   PARTIAL_CANCELED | ABORTED | EXPIRED; `failure.{code,message}` on a failed one;
 *   `card.cardType` 신용 | 체크 | 기프트 | 미확인 (미확인 for a foreign card).
 *   https://docs.tosspayments.com/reference#payment-객체
 * - Errors: HTTP status + `{code, message}`. https://docs.tosspayments.com/reference/error-codes
 * - Billing-key deletion: `DELETE /v1/billing/{billingKey}`, 200 with an empty body.
 *   NOT confirmed on docs.tosspayments.com in our corpus: taken from several
 *   independent integrations that cite Toss's core-API reference for it. The
 *   answer for a key that is already gone is not documented either (one
 *   integration reports 400 ALREADY_REMOVED_BILLING_KEY); see ALREADY_GONE.
 *
 * Never logged: the secret key, billing keys, authKeys, card numbers. Logs carry
 * Toss's error code and our order id only.
 */
import { logger } from '../../core/logger.ts';
import { declined, pgText } from './declines.ts';
import {
  GatewayRefusal,
  type CardFacts,
  type ChargeOutcome,
  type ChargeRequest,
  type IssuedBillingKey,
  type LookupOutcome,
  type BillingKeyGateway,
  type ChargingGateway,
  type PaymentGateway,
} from './payment-gateway.ts';
import { registrationWindow } from './registration-windows.ts';
import { cardCompany, isInternationalCompanyName, isInternationalIssuer } from './tosspayments-card-codes.ts';

export interface TossPaymentsOptions {
  /** `test_sk_…` / `live_sk_…`. Server-side only. */
  readonly secretKey: string;
  /** `test_ck_…` / `live_ck_…`: public, handed to the storefront's SDK. */
  readonly clientKey: string;
  /** For logs and the window's `gateway` (the registry passes the gateway id). @default 'tosspayments' */
  readonly gateway?: string;
  /** Default https://api.tosspayments.com; the contract tests point it at a local stub. */
  readonly baseUrl?: string;
  readonly fetch?: typeof fetch;
  /**
   * Whole-request deadline (connect, answer, body). Past it a charge is UNKNOWN,
   * never retried blindly: the money may have been taken. Keep the Lambda's own
   * timeout above it.
   */
  readonly timeoutMs?: number;
}

const DEFAULT_BASE_URL = 'https://api.tosspayments.com';
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * What each documented charge error means for the money. Codes and messages:
 * https://docs.tosspayments.com/reference/error-codes (카드 자동결제 승인 and 결제 승인 sections).
 *
 * - `declined`: Toss refused before taking anything, definitively — the card,
 *   the issuer, or our request as sent. Retrying the same request gets the same answer.
 * - `look-up`: the order id has already been used; what happened to it is the answer.
 * - `merchant`: Toss refused *our credentials or contract*. Not the buyer's fault and
 *   not decided for this order: UNKNOWN, so no buyer is told their card failed
 *   while our keys are wrong; operators see an error log.
 * - `unknown`: Toss itself does not know yet (temporary / internal failure): UNKNOWN,
 *   look the order up before anything else.
 * Any code not listed here is treated as `unknown` — the safe side for money.
 */
type ChargeErrorMeaning = 'declined' | 'look-up' | 'merchant' | 'unknown';

export const CHARGE_ERRORS: Readonly<Record<string, ChargeErrorMeaning>> = {
  // The card or its issuer said no.
  REJECT_CARD_PAYMENT: 'declined', // 한도초과 혹은 잔액부족 — limit exceeded or insufficient balance
  REJECT_CARD_COMPANY: 'declined', // 결제 승인이 거절 — issuer refused
  REJECT_ACCOUNT_PAYMENT: 'declined', // 잔액부족 — insufficient balance
  INVALID_STOPPED_CARD: 'declined', // 정지된 카드
  INVALID_REJECT_CARD: 'declined', // 카드 사용이 거절, 카드사 문의 필요
  INVALID_CARD_EXPIRATION: 'declined', // 유효기간
  INVALID_CARD_LOST_OR_STOLEN: 'declined',
  INVALID_CARD_NUMBER: 'declined',
  NOT_SUPPORTED_CARD_TYPE: 'declined',
  NOT_REGISTERED_CARD_COMPANY: 'declined', // 카드를 사용 등록 후 이용
  EXCEED_MAX_DAILY_PAYMENT_COUNT: 'declined', // daily count limit of the card
  EXCEED_MAX_ONE_DAY_AMOUNT: 'declined',
  EXCEED_MAX_PAYMENT_AMOUNT: 'declined',
  EXCEED_MAX_MONTHLY_PAYMENT_AMOUNT: 'declined',
  EXCEED_MAX_AMOUNT: 'declined',
  NOT_ALLOWED_POINT_USE: 'declined',
  // Our request as sent can never succeed (refused before any money moved).
  BELOW_MINIMUM_AMOUNT: 'declined', // cards: 100원 minimum
  NOT_MATCHES_CUSTOMER_KEY: 'declined', // customerKey differs from the one the billing key was issued to
  INVALID_BILL_KEY_REQUEST: 'declined', // billing key not (or no longer) valid
  ALREADY_REMOVED_BILLING_KEY: 'declined', // reported by integrations for a deleted key; not on the docs page
  INVALID_REQUEST: 'declined',
  INVALID_EMAIL: 'declined',
  INVALID_CARD_INSTALLMENT_PLAN: 'declined',
  EXCEED_MAX_CARD_INSTALLMENT_PLAN: 'declined',
  NOT_SUPPORTED_INSTALLMENT_PLAN_CARD_OR_MERCHANT: 'declined',
  NOT_SUPPORTED_MONTHLY_INSTALLMENT_PLAN: 'declined',
  // The order id was used before: look at that order.
  DUPLICATED_ORDER_ID: 'look-up', // 이미 승인 및 취소가 진행된 중복된 주문번호
  ALREADY_PROCESSED_PAYMENT: 'look-up', // 이미 처리된 결제
  // Our keys or contract: MERCHANT_ERRORS below (the billing-key issue reads them too, without this table).
  // Toss or the card network could not finish: outcome unknown.
  PROVIDER_ERROR: 'unknown', // 일시적인 오류
  FAILED_INTERNAL_SYSTEM_PROCESSING: 'unknown', // 내부 시스템 처리 작업이 실패
  FAILED_CARD_COMPANY_RESPONSE: 'unknown', // 카드사에서 에러
  FAILED_DB_PROCESSING: 'unknown',
  COMMON_ERROR: 'unknown',
};

/** Toss refused our keys or contract, whatever the call: `merchant` for a charge (CHARGE_ERRORS). */
const MERCHANT_ERRORS: readonly string[] = [
  'UNAUTHORIZED_KEY',
  'INVALID_API_KEY',
  'INCORRECT_BASIC_AUTH_FORMAT',
  'FORBIDDEN_REQUEST',
  'NOT_SUPPORTED_METHOD', // billing not in the merchant's contract
];

/** Deletion answers that mean "that billing key no longer exists" — success for an idempotent delete. */
const ALREADY_GONE: ReadonlySet<string> = new Set(['ALREADY_REMOVED_BILLING_KEY', 'NOT_FOUND_BILLING_KEY', 'NOT_FOUND_BILLING', 'INVALID_BILL_KEY_REQUEST']);

/** Statuses that are not a verdict even when Toss sends a `{code, message}` body. */
const TRANSIENT_4XX: ReadonlySet<number> = new Set([408, 425, 429]);

type TossReply =
  | { readonly kind: 'answer'; readonly status: number; readonly body: unknown }
  | { readonly kind: 'no-answer'; readonly reason: 'timeout' | 'network' };

interface TossError {
  readonly code: string;
  readonly message: string;
}

type TossCall = (method: 'GET' | 'POST' | 'DELETE', path: string, init?: { body?: unknown; idempotencyKey?: string }) => Promise<TossReply>;

/** The one HTTP call to Toss, with the shop's Basic credentials, a whole-request deadline and no redirects. */
function tossCall(options: TossPaymentsOptions): TossCall {
  const baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const authorization = `Basic ${Buffer.from(`${options.secretKey}:`, 'utf8').toString('base64')}`;

  return async function call(method, path, init = {}) {
    const headers: Record<string, string> = { Authorization: authorization };
    if (init.body !== undefined) headers['Content-Type'] = 'application/json';
    if (init.idempotencyKey !== undefined) headers['Idempotency-Key'] = init.idempotencyKey;
    try {
      const response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers,
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
        signal: AbortSignal.timeout(timeoutMs),
        // Toss never redirects; following one would send our Basic credentials elsewhere.
        redirect: 'manual',
      });
      const text = await response.text();
      return { kind: 'answer', status: response.status, body: parseJson(text) };
    } catch (error) {
      // The error may quote the URL, which holds a billing key: log its kind only.
      return { kind: 'no-answer', reason: isTimeout(error) ? 'timeout' : 'network' };
    }
  };
}

/**
 * A Toss Payments client implementing the payment-gateway port: its billing-key part and its charging
 * part, each buildable alone (a function wires only the part it calls).
 *
 * `charge` and `findChargeByOrderId` never throw; `issueBillingKey` throws
 * GatewayRefusal for Toss's refusals and a plain Error when Toss did not
 * answer; `deleteBillingKey` treats an already-deleted key as deleted.
 */
export function tossPaymentsGateway(options: TossPaymentsOptions): PaymentGateway {
  return { ...tossPaymentsBillingKeys(options), ...tossPaymentsCharging(options) };
}

/** Charging with a billing key and looking an order up. */
export function tossPaymentsCharging(options: TossPaymentsOptions): ChargingGateway {
  const call = tossCall(options);

  async function findChargeByOrderId(orderId: string): Promise<LookupOutcome> {
    try {
      const reply = await call('GET', `/v1/payments/orders/${encodeURIComponent(orderId)}`);
      if (reply.kind === 'no-answer') {
        logger.warn('tosspayments lookup got no answer', { orderId, reason: reply.reason });
        return { status: 'UNKNOWN', message: `Toss did not answer the lookup (${reply.reason}).` };
      }
      if (isSuccess(reply.status)) return outcomeOfPayment(reply.body, orderId);
      const error = tossError(reply.body);
      // Only Toss's own "no such payment" is NOT_FOUND: a bare 404 (a proxy, a wrong
      // base URL) must not let the caller believe nothing was charged.
      if (reply.status === 404 && error?.code === 'NOT_FOUND_PAYMENT') return { status: 'NOT_FOUND' };
      logger.warn('tosspayments lookup failed', { orderId, httpStatus: reply.status, code: error?.code });
      return { status: 'UNKNOWN', message: `Toss could not look the order up (HTTP ${reply.status}${error ? ` ${error.code}` : ''}).` };
    } catch {
      return { status: 'UNKNOWN', message: 'The lookup failed unexpectedly.' };
    }
  }

  async function charge(request: ChargeRequest): Promise<ChargeOutcome> {
    const { orderId } = request;
    try {
      const body: Record<string, unknown> = {
        customerKey: request.customerKey,
        amount: request.amount,
        orderId,
        orderName: request.orderName,
      };
      if (request.customerEmail !== undefined) body.customerEmail = request.customerEmail;
      const reply = await call('POST', `/v1/billing/${encodeURIComponent(request.billingKey)}`, { body, idempotencyKey: request.idempotencyKey });

      if (reply.kind === 'no-answer') {
        logger.warn('tosspayments charge got no answer', { orderId, reason: reply.reason });
        return { status: 'UNKNOWN', message: `Toss did not answer the charge (${reply.reason}); look the order up before anything else.` };
      }
      if (isSuccess(reply.status)) {
        const outcome = outcomeOfPayment(reply.body, orderId);
        if (outcome.status === 'PAID' && outcome.amount !== request.amount) {
          logger.warn('tosspayments charged another amount than requested', { orderId, requested: request.amount, charged: outcome.amount });
        }
        return outcome;
      }
      const error = tossError(reply.body);
      if (reply.status >= 500 || TRANSIENT_4XX.has(reply.status) || error === undefined) {
        logger.warn('tosspayments charge failed without a verdict', { orderId, httpStatus: reply.status, code: error?.code });
        return { status: 'UNKNOWN', message: `Toss answered HTTP ${reply.status}${error ? ` ${error.code}` : ''}; look the order up before anything else.` };
      }

      const meaning = MERCHANT_ERRORS.includes(error.code) ? 'merchant' : Object.hasOwn(CHARGE_ERRORS, error.code) ? CHARGE_ERRORS[error.code] : undefined;
      switch (meaning) {
        case 'declined':
          logger.info('tosspayments charge declined', { orderId, code: error.code });
          return declined('tosspayments', error.code, error.message);
        case 'look-up': {
          // The order id was used already (an earlier attempt that we did not hear back
          // from, or a retry with a new idempotency key): its payment is the answer.
          const found = await findChargeByOrderId(orderId);
          logger.info('tosspayments order id already used; answered by lookup', { orderId, code: error.code, found: found.status });
          if (found.status === 'NOT_FOUND') {
            return { status: 'UNKNOWN', message: `Toss said ${error.code} but has no payment for this order.` };
          }
          return found;
        }
        case 'merchant':
          logger.error('tosspayments refused our merchant credentials or contract', { orderId, code: error.code });
          return { status: 'UNKNOWN', message: `Toss refused the merchant's credentials (${error.code}); the buyer's card was not judged.` };
        default:
          logger.warn('tosspayments charge outcome unknown', { orderId, code: error.code });
          return { status: 'UNKNOWN', message: `Toss answered ${pgText(error.code, 64)}: ${pgText(error.message)}` };
      }
    } catch {
      return { status: 'UNKNOWN', message: 'The charge failed unexpectedly; look the order up before anything else.' };
    }
  }

  return { name: options.gateway ?? 'tosspayments', supportsLookup: true, charge, findChargeByOrderId };
}

/** The registration window, the billing-key issue and the key's deletion. */
export function tossPaymentsBillingKeys(options: TossPaymentsOptions): BillingKeyGateway {
  const call = tossCall(options);
  return {
    name: options.gateway ?? 'tosspayments',

    /**
     * What the storefront passes to Toss's JS SDK v2:
     * `TossPayments(clientKey).payment({ customerKey }).requestBillingAuth({ method: 'CARD', successUrl, failUrl })`.
     * successUrl/failUrl are the storefront's own pages (Toss redirects there with
     * `?customerKey=…&authKey=…` or `?code=…&message=…`), so they are left to it.
     * https://docs.tosspayments.com/guides/v2/billing/integration
     */
    async openRegistration({ customerKey, method }) {
      if (method !== 'card') {
        throw new Error(`tosspayments registers cards only; ${method} goes through its own gateway`);
      }
      return { window: registrationWindow('tosspayments', options.gateway ?? 'tosspayments', { clientKey: options.clientKey }, { subscriptionId: '', customerKey, method, itemName: '' }) };
    },

    async issueBillingKey({ authKey, customerKey }): Promise<IssuedBillingKey> {
      const reply = await call('POST', '/v1/billing/authorizations/issue', { body: { authKey, customerKey } });
      if (reply.kind === 'no-answer') {
        logger.warn('tosspayments billing-key issue got no answer', { reason: reply.reason });
        throw new Error(`Toss did not answer the billing-key issue (${reply.reason})`);
      }
      if (isSuccess(reply.status)) return issuedBillingKey(reply.body, customerKey);
      const error = tossError(reply.body);
      if (error !== undefined && reply.status >= 400 && reply.status < 500 && !TRANSIENT_4XX.has(reply.status)) {
        if (MERCHANT_ERRORS.includes(error.code)) {
          logger.error('tosspayments refused our merchant credentials or contract', { code: error.code });
        } else {
          logger.info('tosspayments refused the billing-key issue', { code: error.code });
        }
        throw new GatewayRefusal(error.code, error.message);
      }
      logger.warn('tosspayments billing-key issue failed', { httpStatus: reply.status, code: error?.code });
      throw new Error(`Toss answered the billing-key issue with HTTP ${reply.status}${error ? ` ${error.code}` : ''}`);
    },

    /**
     * `customerKey` is not sent: the deletion call we found takes the billing key
     * alone (see the header comment for how sure we are of that endpoint).
     */
    async deleteBillingKey({ billingKey }): Promise<void> {
      const reply = await call('DELETE', `/v1/billing/${encodeURIComponent(billingKey)}`);
      if (reply.kind === 'no-answer') {
        logger.warn('tosspayments billing-key deletion got no answer', { reason: reply.reason });
        throw new Error(`Toss did not answer the billing-key deletion (${reply.reason})`);
      }
      if (isSuccess(reply.status)) return;
      const error = tossError(reply.body);
      if (error !== undefined && (ALREADY_GONE.has(error.code) || reply.status === 404)) {
        logger.info('tosspayments billing key was already gone', { code: error.code });
        return;
      }
      if (error !== undefined && reply.status >= 400 && reply.status < 500 && !TRANSIENT_4XX.has(reply.status)) {
        logger.warn('tosspayments refused the billing-key deletion', { code: error.code });
        throw new GatewayRefusal(error.code, error.message);
      }
      logger.warn('tosspayments billing-key deletion failed', { httpStatus: reply.status, code: error?.code });
      throw new Error(`Toss answered the billing-key deletion with HTTP ${reply.status}${error ? ` ${error.code}` : ''}`);
    },
  };
}

/**
 * A Payment object → what happened to the money. Used for the approval's own
 * answer and for lookups.
 * - DONE → PAID. PARTIAL_CANCELED → PAID too: the charge happened; a refund is a
 *   separate matter for whoever made it.
 * - ABORTED / EXPIRED / CANCELED → DECLINED, with `failure.code` when Toss gives one
 *   (e.g. REJECT_CARD_PAYMENT), else PAYMENT_<status>. A CANCELED order keeps its
 *   order id used: a new attempt needs a new one (Toss answers DUPLICATED_ORDER_ID).
 * - READY / IN_PROGRESS / WAITING_FOR_DEPOSIT / anything else → UNKNOWN (not settled yet).
 * An answer that is malformed or about another order is UNKNOWN: we cannot vouch for it.
 */
function outcomeOfPayment(payment: unknown, orderId: string): ChargeOutcome {
  if (!isRecord(payment) || payment.orderId !== orderId) {
    return { status: 'UNKNOWN', message: 'Toss answered with a payment we cannot read for this order.' };
  }
  const status = payment.status;
  if (status === 'DONE' || status === 'PARTIAL_CANCELED') {
    const { paymentKey, totalAmount, approvedAt } = payment;
    if (typeof paymentKey === 'string' && paymentKey !== '' && typeof totalAmount === 'number' && Number.isFinite(totalAmount) && typeof approvedAt === 'string') {
      return { status: 'PAID', paymentKey, amount: totalAmount, approvedAt };
    }
    return { status: 'UNKNOWN', message: `Toss reports the payment ${status} but without its key, amount or approval time.` };
  }
  if (status === 'ABORTED' || status === 'EXPIRED' || status === 'CANCELED') {
    const failure = tossError(payment.failure);
    return declined('tosspayments', failure?.code ?? `PAYMENT_${status}`, failure?.message ?? `The payment is ${status}.`);
  }
  return { status: 'UNKNOWN', message: `The payment is ${typeof status === 'string' ? status : 'in an unreadable state'}.` };
}

/** The Billing object → our masked card facts. Throws (not a refusal) when it cannot be read. */
function issuedBillingKey(billing: unknown, customerKey: string): IssuedBillingKey {
  if (!isRecord(billing) || typeof billing.billingKey !== 'string' || billing.billingKey === '') {
    throw new Error('Toss answered the billing-key issue without a billing key');
  }
  if (billing.customerKey !== undefined && billing.customerKey !== customerKey) {
    throw new Error('Toss issued the billing key to another customerKey');
  }
  const card = isRecord(billing.card) ? billing.card : {};
  const issuerCode = stringOrUndefined(card.issuerCode);
  // Older answers name the company instead of coding it (`card.company`, top-level `cardCompany`).
  const companyName = stringOrUndefined(card.company) ?? stringOrUndefined(billing.cardCompany);
  const tossCardType = stringOrUndefined(card.cardType);
  const number = stringOrUndefined(card.number) ?? stringOrUndefined(billing.cardNumber);

  const facts: CardFacts = {
    method: 'card',
    issuer: (issuerCode !== undefined ? cardCompany(issuerCode)?.name : undefined) ?? companyName ?? (issuerCode !== undefined ? `카드사 ${issuerCode}` : '알 수 없음'),
    last4: lastFourDigits(number),
    cardType: cardTypeOf(tossCardType),
    foreign: foreignCard(issuerCode, companyName, tossCardType),
  };
  return { billingKey: billing.billingKey, card: facts };
}

/**
 * S16. A card is foreign when its issuer code is an international brand's own
 * (Toss's 해외 카드사 codes). An issuer code we do not know yet is judged by
 * `cardType`: Toss reports 미확인 for a foreign card, and a Korean issuer always
 * knows whether its card is 신용/체크/기프트. With no code at all, an
 * international company name decides.
 */
function foreignCard(issuerCode: string | undefined, companyName: string | undefined, tossCardType: string | undefined): boolean {
  if (issuerCode !== undefined) {
    if (isInternationalIssuer(issuerCode)) return true;
    if (cardCompany(issuerCode) !== undefined) return false;
    logger.warn('tosspayments issuer code missing from our card-company table', { issuerCode });
    return tossCardType === '미확인';
  }
  if (companyName !== undefined && isInternationalCompanyName(companyName)) return true;
  return tossCardType === '미확인';
}

function cardTypeOf(tossCardType: string | undefined): CardFacts['cardType'] {
  switch (tossCardType) {
    case '신용':
      return 'credit';
    case '체크':
      return 'check';
    case '기프트':
      return 'gift';
    default:
      return 'unknown';
  }
}

/** "433012******1234" → "1234"; a number whose last four are masked ("4330********123*") → null. */
function lastFourDigits(maskedNumber: string | undefined): string | null {
  if (maskedNumber === undefined) return null;
  const compact = maskedNumber.replace(/[\s-]/g, '');
  const last4 = compact.slice(-4);
  return /^\d{4}$/.test(last4) ? last4 : null;
}

function tossError(body: unknown): TossError | undefined {
  if (!isRecord(body) || typeof body.code !== 'string' || body.code === '') return undefined;
  return { code: body.code, message: typeof body.message === 'string' ? body.message : body.code };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * NICE Payments (나이스페이먼츠), NICEPAY API v1, behind the payment-gateway port.
 *
 * Documented facts this client relies on (the code is ours). Sources: NICEPAY's
 * developer manual, github.com/nicepayments/nicepay-manual — api/payment-subscribe.md
 * (빌키발급 / 빌키승인 / 빌키삭제), api/status-transaction.md (거래 조회),
 * common/code.md (카드코드, API 응답코드), common/api.md (Basic auth) — and
 * start.nicepay.co.kr's OpenAPI description (@nicepay/start-api-mcp).
 * - Auth: `Authorization: Basic base64(clientKey:secretKey)`; hosts api.nicepay.co.kr
 *   (live) and sandbox-api.nicepay.co.kr (test keys); JSON bodies
 *   (`Content-type: application/json;charset=utf-8`). Field sizes are in bytes.
 * - Registration without card data on our servers: NICE's checkout with
 *   `method: cardBill` (the JS SDK's `AUTHNICE.requestPay`), which posts the
 *   transaction's `tid` to the shop's returnUrl; the storefront hands that tid to
 *   our checkout as `authKey`. We read the transaction with
 *   `GET /v1/payments/{tid}` (거래조회) for its `bid`, its `orderId` (ours:
 *   `reg-{subscriptionId}`, binding the window to the subscription) and the
 *   masked `card` (cardCode, cardName, cardNum, cardType).
 *   NOT confirmed in the manual: that the inquiry of a `cardBill` checkout
 *   carries the `bid` (the manual documents `bid` on /v1/subscribe/regist, which
 *   needs raw card data we refuse to handle). Verify against NICE's sandbox first.
 * - Charge (빌키승인): `POST /v1/subscribe/{bid}/payments` `{orderId ≤64B, amount,
 *   goodsName ≤40B, cardQuota: 0, useShopInterest: false, buyerEmail? ≤60B}` →
 *   resultCode "0000" and status "paid". "결제된 orderId로 재호출 불가": U112 (or
 *   A127 / P015) means the orderId is in use — look it up; U503/U506: NICE failed
 *   and net-cancelled — look it up. HTTP 401 or U101–U104/U116/U304/U305/U315:
 *   our keys. A 5xx or a body without JSON is an unknown result. Any other code
 *   with status "failed" is a decline (30xx: the card company's answer),
 *   classified by declines.ts.
 * - Lookup by our order id: `GET /v1/payments/find/{orderId}?orderDate=YYYYMMDD`
 *   (required, 8 characters); U107 "거래내역이 존재 하지 않습니다" when none. The
 *   order date is the Seoul date of the attempt: we try today and up to
 *   LOOKUP_DAYS before. NOT_FOUND after a timeout is safe to charge again with
 *   the same orderId — NICE refuses a second payment of a paid one (U112).
 * - Delete (빌키삭제): `POST /v1/subscribe/{bid}/expire` `{orderId}` (a fresh order
 *   id); U115 "삭제 처리된 BID", A124/A126 (no such / already deleted BID) mean
 *   already gone.
 * - Card codes: 25–29 and 34 are 해외 VISA, MASTER, DINERS, AMX, JCB and 은련:
 *   S16's foreign cards.
 *
 * Never logged: the keys, bids, tids of registration. Logs carry NICE's resultCode and our order id.
 */
import { randomUUID } from 'node:crypto';
import { logger } from '../../core/logger.ts';
import { declined } from './declines.ts';
import { isRecord, lastFour, pgHttp, seoulDateOf, text, truncateBytes, type PgReply } from './http-json.ts';
import { GatewayRefusal, type BillingKeyGateway, type CardFacts, type ChargeOutcome, type ChargingGateway, type LookupOutcome, type PaymentGateway } from './payment-gateway.ts';
import { registrationWindow } from './registration-windows.ts';

export interface NicePayOptions {
  readonly gateway?: string;
  readonly clientKey: string;
  readonly secretKey: string;
  readonly returnUrl: string;
  /** @default https://api.nicepay.co.kr (a key starting with S1_ / R1_ test prefix still needs the sandbox host) */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  readonly now?: () => number;
}

const DEFAULT_BASE_URL = 'https://api.nicepay.co.kr';
const LOOKUP_DAYS = 3;
export const NICE_FOREIGN_CARD_CODES: ReadonlySet<string> = new Set(['25', '26', '27', '28', '29', '34']);
const MERCHANT_CODES = new Set(['U101', 'U102', 'U103', 'U104', 'U116', 'U304', 'U305', 'U315', 'U316']);
/** Our request as sent can never succeed: refused before any money moved (the orderId is not used). */
const REQUEST_REFUSED = new Set(['U100', 'U105', 'U127', 'U312', 'U321', 'P017', 'U309', 'U115', 'A124', 'A125', 'A126']);
/** The orderId was used already (U112 이미 사용된 OrderId, A127 주문번호 중복, P015 orderid 이미 존재), or NICE net-cancelled (U503, U506): the order's own record is the answer. */
const LOOK_UP = new Set(['U112', 'A127', 'P015', 'U503', 'U506']);
/** The bid no longer exists: deleting it again succeeds. */
const BID_GONE = new Set(['U115', 'A124', 'A126']);

const CARD_TYPES: Readonly<Record<string, CardFacts['cardType']>> = { credit: 'credit', check: 'check' };

/** NICE's API with the shop's Basic credentials. */
function niceCall(options: NicePayOptions) {
  return pgHttp({
    baseUrl: options.baseUrl ?? DEFAULT_BASE_URL,
    headers: { Authorization: `Basic ${Buffer.from(`${options.clientKey}:${options.secretKey}`, 'utf8').toString('base64')}` },
    timeoutMs: options.timeoutMs ?? 30_000,
  });
}

const resultOf = (reply: PgReply) => (reply.kind === 'answer' && isRecord(reply.body) && typeof reply.body.resultCode === 'string' ? reply.body : undefined);

/** Both parts of the adapter (the contract tests); a function wires only the part it calls (adapter-families.ts). */
export function nicePayGateway(options: NicePayOptions): PaymentGateway {
  return { ...nicePayBillingKeys(options), ...nicePayCharging(options) };
}

/** Charging with a bid and looking an order up by its date. */
export function nicePayCharging(options: NicePayOptions): ChargingGateway {
  const name = options.gateway ?? 'nicepay';
  const now = options.now ?? Date.now;
  const call = niceCall(options);

  function paymentOutcome(body: Record<string, unknown>, orderId: string): ChargeOutcome {
    if (body.orderId !== undefined && body.orderId !== orderId) return { status: 'UNKNOWN', message: 'NICE answered about another order.' };
    const status = body.status;
    if (body.resultCode === '0000' && status === 'paid') {
      const tid = text(body.tid);
      const paidAt = text(body.paidAt);
      if (tid && typeof body.amount === 'number' && paidAt) return { status: 'PAID', paymentKey: tid, amount: body.amount, approvedAt: paidAt };
      return { status: 'UNKNOWN', message: 'NICE reports the charge paid without its tid, amount or time.' };
    }
    if (status === 'failed') return declined('nicepay', String(body.resultCode), text(body.resultMsg) ?? 'Declined.');
    if (status === 'cancelled' || status === 'partialCancelled') return declined('nicepay', 'PAYMENT_CANCELLED', `The payment is ${String(status)}.`);
    return { status: 'UNKNOWN', message: `NICE reports the payment ${typeof status === 'string' ? status : 'in an unreadable state'} (${String(body.resultCode)}).` };
  }

  async function findChargeByOrderId(orderId: string): Promise<LookupOutcome> {
    for (let daysBack = 0; daysBack <= LOOKUP_DAYS; daysBack += 1) {
      const reply = await call('GET', `/v1/payments/find/${encodeURIComponent(orderId)}?orderDate=${seoulDateOf(now(), daysBack).replaceAll('-', '')}`);
      const body = resultOf(reply);
      if (!body) return { status: 'UNKNOWN', message: reply.kind === 'no-answer' ? `NICE did not answer the lookup (${reply.reason}).` : `NICE answered the lookup with HTTP ${reply.status} and no result code.` };
      if (body.resultCode === 'U107') continue;
      // A failed transaction may come back with its own result code: its status is what counts.
      if (body.resultCode !== '0000' && (typeof body.status !== 'string' || body.orderId !== orderId)) return { status: 'UNKNOWN', message: `NICE could not look the order up (${String(body.resultCode)}).` };
      return paymentOutcome(body, orderId);
    }
    return { status: 'NOT_FOUND' };
  }

  return {
    name,
    supportsLookup: true,
    findChargeByOrderId,

    async charge(request) {
      const { orderId } = request;
      const reply = await call('POST', `/v1/subscribe/${encodeURIComponent(request.billingKey)}/payments`, {
        orderId,
        amount: request.amount,
        goodsName: truncateBytes(request.orderName, 40),
        cardQuota: 0,
        useShopInterest: false,
        ...(request.customerEmail && Buffer.byteLength(request.customerEmail) <= 60 ? { buyerEmail: request.customerEmail } : {}),
      });
      const body = resultOf(reply);
      if (!body) {
        logger.warn('nicepay charge got no verdict', { orderId, reason: reply.kind === 'no-answer' ? reply.reason : `HTTP ${reply.status}` });
        return { status: 'UNKNOWN', message: 'NICE gave no verdict on the charge; look the order up before anything else.' };
      }
      const code = String(body.resultCode);
      if (code === '0000') return paymentOutcome(body, orderId);
      if (LOOK_UP.has(code)) {
        const found = await findChargeByOrderId(orderId);
        logger.info('nicepay order id in doubt; answered by lookup', { orderId, code, found: found.status });
        return found.status === 'NOT_FOUND' ? { status: 'UNKNOWN', message: `NICE said ${code} but has no payment for this order.` } : found;
      }
      if (MERCHANT_CODES.has(code)) {
        logger.error('nicepay refused our merchant credentials or contract', { orderId, code });
        return { status: 'UNKNOWN', message: `NICE refused the merchant's credentials (${code}); the buyer's card was not judged.` };
      }
      if (body.status === 'failed' || REQUEST_REFUSED.has(code)) {
        logger.info('nicepay charge declined', { orderId, code });
        return declined('nicepay', code, text(body.resultMsg) ?? code);
      }
      logger.warn('nicepay charge outcome unknown', { orderId, code });
      return { status: 'UNKNOWN', message: `NICE answered ${code}; look the order up before anything else.` };
    },
  };
}

/** The registration window (NICE's cardBill checkout), the bid read from its transaction, and the bid's deletion. */
export function nicePayBillingKeys(options: NicePayOptions): BillingKeyGateway {
  const name = options.gateway ?? 'nicepay';
  const call = niceCall(options);
  return {
    name,

    async openRegistration(request) {
      if (request.method !== 'card') throw new Error(`${name} registers cards only`);
      return { window: registrationWindow('nicepay', name, { clientKey: options.clientKey, returnUrl: options.returnUrl }, request) };
    },

    async issueBillingKey({ authKey, subscriptionId }) {
      const reply = await call('GET', `/v1/payments/${encodeURIComponent(authKey)}`);
      const body = resultOf(reply);
      if (!body) throw new Error(reply.kind === 'no-answer' ? `NICE did not answer the inquiry (${reply.reason})` : `NICE answered the inquiry with HTTP ${reply.status}`);
      const code = String(body.resultCode);
      if (code !== '0000') {
        if (MERCHANT_CODES.has(code)) logger.error('nicepay refused our merchant credentials', { code });
        throw new GatewayRefusal(code, text(body.resultMsg) ?? code);
      }
      if (subscriptionId !== undefined && body.orderId !== `reg-${subscriptionId}`) throw new GatewayRefusal('ORDER_MISMATCH', 'This registration was made for another subscription.');
      const bid = text(body.bid);
      if (!bid) throw new GatewayRefusal('NO_BILLING_KEY', 'NICE did not issue a billing key for this registration.');
      const card = isRecord(body.card) ? body.card : {};
      const cardCode = text(card.cardCode) ?? '';
      return {
        billingKey: bid,
        card: {
          method: 'card',
          issuer: text(card.cardName) ?? `카드사 ${cardCode}`,
          last4: lastFour(text(card.cardNum)),
          cardType: CARD_TYPES[text(card.cardType) ?? ''] ?? 'unknown',
          foreign: NICE_FOREIGN_CARD_CODES.has(cardCode),
        },
      };
    },

    async deleteBillingKey({ billingKey }) {
      const reply = await call('POST', `/v1/subscribe/${encodeURIComponent(billingKey)}/expire`, { orderId: `expire-${randomUUID()}` });
      const body = resultOf(reply);
      if (!body) throw new Error(reply.kind === 'no-answer' ? `NICE did not answer the key deletion (${reply.reason})` : `NICE answered the key deletion with HTTP ${reply.status}`);
      const code = String(body.resultCode);
      if (code === '0000' || BID_GONE.has(code)) return;
      logger.warn('nicepay refused the billing-key deletion', { code });
      throw new GatewayRefusal(code, text(body.resultMsg) ?? code);
    },
  };
}

/**
 * KakaoPay (카카오페이) subscriptions — 정기결제 — directly, behind the payment-gateway port.
 *
 * Documented facts this client relies on (the code is ours). Sources: KakaoPay's
 * online payment API (developers.kakaopay.com, "정기 결제"), as its own agent
 * toolkit (@kakaopay-develop/agent-toolkit) encodes the endpoints.
 * - Host https://open-api.kakaopay.com; `Authorization: SECRET_KEY {secretKey}`; JSON.
 * - Registration: `POST /online/v1/payment/ready` with the subscription CID
 *   `{cid, partner_order_id, partner_user_id, item_name, quantity, total_amount,
 *   tax_free_amount, approval_url, cancel_url, fail_url}` → `{tid,
 *   next_redirect_pc_url, next_redirect_mobile_url}`. The buyer approves in
 *   KakaoPay's window (by card or KakaoPay money, S10) and comes back to
 *   approval_url with `pg_token`, which the storefront posts to checkout as
 *   authKey. `POST /online/v1/payment/approve` `{cid, tid, partner_order_id,
 *   partner_user_id, pg_token}` → `{sid, payment_method_type, card_info?}`: the
 *   sid is the billing key. Our registration asks for 0 KRW (nothing is
 *   charged before the first delivery's D-1): NOT confirmed in our corpus that
 *   KakaoPay accepts a zero first payment for every CID; if a contract refuses
 *   it, ready answers an error and signup says so (422), nothing is stored at KakaoPay.
 * - Charge: `POST /online/v1/payment/subscription` `{cid, sid, partner_order_id,
 *   partner_user_id, item_name, quantity, total_amount, tax_free_amount}` →
 *   `{tid, amount.total, approved_at}`.
 * - Deletion: `POST /online/v1/payment/manage/subscription/inactive` `{cid, sid}` (S22).
 * - Errors: HTTP 4xx/5xx with `{error_code, error_message, extras?}`; a refused
 *   approval or charge (-780) carries the card company's or KakaoPay money's
 *   answer in `extras.method_result_code` / `method_result_message`, which we keep
 *   as the operator's message. Our keys or CID refused (-401…-405): not the
 *   buyer's fault, UNKNOWN. Decline codes → our reasons: declines.ts (the
 *   negative codes there are NOT confirmed in our stored corpus).
 * - Deletion answers `{cid, sid, status: "INACTIVE", inactivated_at}`; an sid
 *   already inactive (-782, or a message saying so) is gone — idempotent.
 * - No lookup by our order id: the order API (`/online/v1/payment/order`) takes
 *   KakaoPay's tid, which a timed-out charge never returned. `supportsLookup:
 *   false`: an unknown outcome goes to an operator (cycle REVIEW), never charged blind.
 *
 * Never logged: the secret key, sid, tid, pg_token.
 */
import { logger } from '../../core/logger.ts';
import { declined } from './declines.ts';
import { isRecord, pgHttp, text, type PgReply } from './http-json.ts';
import { GatewayRefusal, type BillingKeyGateway, type ChargeOutcome, type ChargingGateway, type PaymentGateway } from './payment-gateway.ts';
import { registrationWindow } from './registration-windows.ts';

export interface KakaoPayOptions {
  readonly cid: string;
  readonly secretKey: string;
  readonly approvalUrl: string;
  readonly cancelUrl: string;
  readonly failUrl: string;
  /** @default https://open-api.kakaopay.com */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
}

const DEFAULT_BASE_URL = 'https://open-api.kakaopay.com';
/** KakaoPay refused our keys or CID: not the buyer's fault, never reported as a decline. */
const MERCHANT_ERRORS = new Set([-401, -402, -403, -404, -405]);

const kakaoCall = (options: KakaoPayOptions) =>
  pgHttp({ baseUrl: options.baseUrl ?? DEFAULT_BASE_URL, headers: { Authorization: `SECRET_KEY ${options.secretKey}` }, timeoutMs: options.timeoutMs ?? 30_000 });
const registrationOrder = (subscriptionId: string) => `reg-${subscriptionId}`;

/** KakaoPay's error answer: its code, its message with the payment method's own reason, the HTTP status. */
function errorOf(reply: PgReply): { code: string; message: string; status: number } | undefined {
  if (reply.kind !== 'answer' || reply.status < 400 || !isRecord(reply.body) || typeof reply.body.error_code !== 'number') return undefined;
  const extras = isRecord(reply.body.extras) ? reply.body.extras : {};
  const method = text(extras.method_result_message);
  const message = text(reply.body.error_message) ?? 'KakaoPay refused the request.';
  return { code: String(reply.body.error_code), message: method ? `${message} (${text(extras.method_result_code) ?? '?'}: ${method})` : message, status: reply.status };
}

/** Both parts of the adapter (the contract tests); a function wires only the part it calls (adapter-families.ts). */
export function kakaoPayGateway(options: KakaoPayOptions): PaymentGateway {
  return { ...kakaoPayBillingKeys(options), ...kakaoPayCharging(options) };
}

/** Charging with the sid; KakaoPay has no lookup by our order id. */
export function kakaoPayCharging(options: KakaoPayOptions): ChargingGateway {
  const call = kakaoCall(options);
  return {
    name: 'kakaopay',
    supportsLookup: false,

    async charge(request): Promise<ChargeOutcome> {
      const { orderId } = request;
      const reply = await call('POST', '/online/v1/payment/subscription', {
        cid: options.cid,
        sid: request.billingKey,
        partner_order_id: orderId,
        partner_user_id: request.customerKey,
        item_name: request.orderName.slice(0, 100),
        quantity: 1,
        total_amount: request.amount,
        tax_free_amount: 0,
      });
      if (reply.kind === 'answer' && reply.status === 200 && isRecord(reply.body)) {
        const amount = isRecord(reply.body.amount) ? reply.body.amount.total : undefined;
        const tid = text(reply.body.tid);
        const approvedAt = text(reply.body.approved_at);
        if (tid && typeof amount === 'number' && approvedAt) return { status: 'PAID', paymentKey: tid, amount, approvedAt };
        return { status: 'UNKNOWN', message: 'KakaoPay answered the charge without its tid, amount or approval time.' };
      }
      const error = errorOf(reply);
      if (!error || error.status >= 500) {
        logger.warn('kakaopay charge got no verdict', { orderId, reason: reply.kind === 'no-answer' ? reply.reason : `HTTP ${reply.status}` });
        return { status: 'UNKNOWN', message: 'KakaoPay gave no verdict on the charge, and it cannot be looked up by our order id.' };
      }
      if (MERCHANT_ERRORS.has(Number(error.code))) {
        logger.error('kakaopay refused our merchant credentials', { orderId, code: error.code });
        return { status: 'UNKNOWN', message: `KakaoPay refused the merchant's credentials (${error.code}); the buyer's payment method was not judged.` };
      }
      logger.info('kakaopay charge declined', { orderId, code: error.code });
      return declined('kakaopay', error.code, error.message);
    },

    async findChargeByOrderId() {
      return { status: 'UNKNOWN', message: 'KakaoPay cannot look a charge up by our order id.' };
    },
  };
}

/** The "ready" that opens the window, the approval that issues the sid, and the sid's deactivation. */
export function kakaoPayBillingKeys(options: KakaoPayOptions): BillingKeyGateway {
  const call = kakaoCall(options);

  const refusalOrThrow = (reply: PgReply, what: string): never => {
    const error = errorOf(reply);
    if (error && error.status < 500) {
      if (MERCHANT_ERRORS.has(Number(error.code))) logger.error('kakaopay refused our merchant credentials', { code: error.code });
      throw new GatewayRefusal(error.code, error.message);
    }
    throw new Error(reply.kind === 'no-answer' ? `KakaoPay did not answer the ${what} (${reply.reason})` : `KakaoPay answered the ${what} with HTTP ${reply.status}`);
  };

  return {
    name: 'kakaopay',

    async openRegistration(request) {
      const reply = await call('POST', '/online/v1/payment/ready', {
        cid: options.cid,
        partner_order_id: registrationOrder(request.subscriptionId),
        partner_user_id: request.customerKey,
        item_name: request.itemName.slice(0, 100),
        quantity: 1,
        total_amount: 0,
        tax_free_amount: 0,
        approval_url: options.approvalUrl,
        cancel_url: options.cancelUrl,
        fail_url: options.failUrl,
      });
      const body = reply.kind === 'answer' && reply.status === 200 && isRecord(reply.body) ? reply.body : undefined;
      const tid = text(body?.tid);
      const pc = text(body?.next_redirect_pc_url);
      if (!body || !tid || !pc) return refusalOrThrow(reply, 'ready');
      const ready = { tid, nextRedirectPcUrl: pc, ...(text(body.next_redirect_mobile_url) ? { nextRedirectMobileUrl: text(body.next_redirect_mobile_url)! } : {}) };
      // The tid stays with us (the subscription); the window needs only where to send the buyer.
      const { tid: _tid, ...window } = registrationWindow('kakaopay', 'kakaopay', {}, request, ready);
      return { window, session: tid };
    },

    async issueBillingKey({ authKey, customerKey, session, subscriptionId }) {
      if (!session || !subscriptionId) throw new GatewayRefusal('NO_READY', 'Open the KakaoPay window from a new signup; this registration has no ready.');
      const reply = await call('POST', '/online/v1/payment/approve', {
        cid: options.cid,
        tid: session,
        partner_order_id: registrationOrder(subscriptionId),
        partner_user_id: customerKey,
        pg_token: authKey,
      });
      const body = reply.kind === 'answer' && reply.status === 200 && isRecord(reply.body) ? reply.body : undefined;
      const sid = text(body?.sid);
      if (!body || !sid) return refusalOrThrow(reply, 'approval');
      const money = body.payment_method_type === 'MONEY';
      const cardInfo = isRecord(body.card_info) ? body.card_info : {};
      return {
        billingKey: sid,
        card: {
          method: 'kakaopay',
          issuer: money ? '카카오페이머니' : (text(cardInfo.kakaopay_issuer_corp) ?? text(cardInfo.issuer_corp) ?? 'KakaoPay'),
          last4: null,
          cardType: cardInfo.card_type === '신용' ? 'credit' : cardInfo.card_type === '체크' ? 'check' : 'unknown',
          // KakaoPay registers domestic cards and its own money only (S16 concerns card payment).
          foreign: false,
          kakaoPayMethod: money ? 'money' : 'card',
        },
      };
    },

    async deleteBillingKey({ billingKey }) {
      const reply = await call('POST', '/online/v1/payment/manage/subscription/inactive', { cid: options.cid, sid: billingKey });
      if (reply.kind === 'answer' && reply.status === 200) return;
      const error = errorOf(reply);
      // An sid that is already inactive (or unknown) is gone: deleting is idempotent.
      if (error && error.status === 400 && (error.code === '-782' || /inactive|not.?found|invalid sid/i.test(error.message))) return;
      refusalOrThrow(reply, 'sid deactivation');
    },
  };
}

/**
 * Why a charge was declined, in our own words — the one place PG decline codes
 * become what buyers and merchants read. Each gateway adapter feeds it its
 * PG's code and text (`declined(gateway, code, text)`); the PG's free text is
 * never shown to a buyer or put into a buyer's mail: it survives only as
 * `detail`, length-capped and stripped of control characters, for the
 * operator's mail and the logs (issue 11, defect 7).
 *
 * Adding a PG: one table below, `{ PG code → reason }`; a code not listed is
 * DECLINED, with the generic message.
 *
 * Sources of the tables (the adapters cite the same pages):
 * - Toss Payments: https://docs.tosspayments.com/reference/error-codes (카드 자동결제 승인).
 * - NICE Payments: nicepay-manual common/code.md (API 응답코드): 30xx are the card
 *   company's answers to a charge, A124–A126/U115/U309 a bid that is gone, U127/P017/3041 amounts.
 * - KakaoPay: its error_code — -780 approval failure (the card company's or
 *   KakaoPay money's refusal, details in `extras`), -782 the subscription's sid is
 *   not usable, -797/-798 KakaoPay's payment limits. Our stored corpus has no
 *   KakaoPay error table: these are NOT confirmed against developers.kakaopay.com.
 * - PortOne V2: its error `type` (the SDK's PayWithBillingKeyError union). Under
 *   PG_PROVIDER the card company's own `pgCode` differs per PG behind PortOne
 *   (Inicis, KCP, KSNET): it is kept as the code, and PortOne's type classifies it.
 */
import type { ChargeOutcome } from './payment-gateway.ts';

/** Our reasons and the Korean message each one shows buyers and merchants. */
export const DECLINE_REASONS = {
  INSUFFICIENT_FUNDS: '카드 한도 초과 또는 잔액 부족으로 결제가 승인되지 않았습니다.',
  LIMIT_EXCEEDED: '카드의 결제 한도(횟수 또는 금액)를 넘어 결제가 승인되지 않았습니다.',
  CARD_STOPPED: '정지되었거나 사용이 제한된 카드입니다. 카드사에 문의해 주세요.',
  CARD_EXPIRED: '유효기간이 지난 카드입니다. 새 카드를 등록해 주세요.',
  CARD_LOST_OR_STOLEN: '분실 또는 도난 신고된 카드입니다. 새 카드를 등록해 주세요.',
  CARD_NOT_SUPPORTED: '이 결제에 사용할 수 없는 카드입니다. 다른 카드를 등록해 주세요.',
  ISSUER_DECLINED: '카드사에서 결제를 승인하지 않았습니다. 카드사에 문의해 주세요.',
  PAYMENT_METHOD_INVALID: '등록된 결제 수단을 더 이상 사용할 수 없습니다. 결제 수단을 다시 등록해 주세요.',
  AMOUNT_NOT_ALLOWED: '결제 금액이 카드 결제 조건에 맞지 않아 승인되지 않았습니다.',
  /** Ours, not a PG's: the buyer has no usable registration with the shop's current PG. */
  NO_BILLING_KEY: '등록된 결제 수단이 없어 결제하지 못했습니다. 결제 수단을 다시 등록해 주세요.',
  /** Ours, not a PG's: the shop stopped taking the subscription's payment method. */
  PAYMENT_METHOD_NOT_AVAILABLE: '쇼핑몰에서 이 결제 수단을 더 이상 받지 않아 결제하지 못했습니다.',
  DECLINED: '결제가 승인되지 않았습니다. 카드 상태를 확인하시거나 다른 결제 수단을 등록해 주세요.',
} as const;

export type DeclineReason = keyof typeof DECLINE_REASONS;

/**
 * Toss Payments' charge refusals (https://docs.tosspayments.com/reference/error-codes): the codes that
 * tosspayments.ts's CHARGE_ERRORS calls 'declined'.
 */
const TOSS_PAYMENTS: Readonly<Record<string, DeclineReason>> = {
  REJECT_CARD_PAYMENT: 'INSUFFICIENT_FUNDS',
  REJECT_ACCOUNT_PAYMENT: 'INSUFFICIENT_FUNDS',
  REJECT_CARD_COMPANY: 'ISSUER_DECLINED',
  INVALID_REJECT_CARD: 'ISSUER_DECLINED',
  INVALID_STOPPED_CARD: 'CARD_STOPPED',
  INVALID_CARD_EXPIRATION: 'CARD_EXPIRED',
  INVALID_CARD_LOST_OR_STOLEN: 'CARD_LOST_OR_STOLEN',
  INVALID_CARD_NUMBER: 'PAYMENT_METHOD_INVALID',
  NOT_SUPPORTED_CARD_TYPE: 'CARD_NOT_SUPPORTED',
  NOT_REGISTERED_CARD_COMPANY: 'CARD_NOT_SUPPORTED',
  NOT_ALLOWED_POINT_USE: 'CARD_NOT_SUPPORTED',
  EXCEED_MAX_DAILY_PAYMENT_COUNT: 'LIMIT_EXCEEDED',
  EXCEED_MAX_ONE_DAY_AMOUNT: 'LIMIT_EXCEEDED',
  EXCEED_MAX_PAYMENT_AMOUNT: 'LIMIT_EXCEEDED',
  EXCEED_MAX_MONTHLY_PAYMENT_AMOUNT: 'LIMIT_EXCEEDED',
  EXCEED_MAX_AMOUNT: 'LIMIT_EXCEEDED',
  BELOW_MINIMUM_AMOUNT: 'AMOUNT_NOT_ALLOWED',
  NOT_MATCHES_CUSTOMER_KEY: 'PAYMENT_METHOD_INVALID',
  INVALID_BILL_KEY_REQUEST: 'PAYMENT_METHOD_INVALID',
  ALREADY_REMOVED_BILLING_KEY: 'PAYMENT_METHOD_INVALID',
  INVALID_CARD_INSTALLMENT_PLAN: 'CARD_NOT_SUPPORTED',
  EXCEED_MAX_CARD_INSTALLMENT_PLAN: 'CARD_NOT_SUPPORTED',
  NOT_SUPPORTED_INSTALLMENT_PLAN_CARD_OR_MERCHANT: 'CARD_NOT_SUPPORTED',
  NOT_SUPPORTED_MONTHLY_INSTALLMENT_PLAN: 'CARD_NOT_SUPPORTED',
  PAYMENT_ABORTED: 'DECLINED',
  PAYMENT_EXPIRED: 'DECLINED',
  PAYMENT_CANCELED: 'DECLINED',
};

/** Each gateway's table, by the adapter's `name` (payment-gateway.ts GatewayName). */
export const PG_DECLINE_CODES: Readonly<Record<string, Readonly<Record<string, DeclineReason>>>> = {
  tosspayments: TOSS_PAYMENTS,
  // The sandbox answers Toss's codes (local/sandbox-pg.ts mirrors Toss: declineReasonOf falls back to them), plus its
  // own for a gone key. Not spread from Toss's table: a spread keeps both tables in bundles that never decline.
  sandbox: { NOT_FOUND_BILLING_KEY: 'PAYMENT_METHOD_INVALID', CUSTOMER_KEY_MISMATCH: 'PAYMENT_METHOD_INVALID' },
  nicepay: {
    '3011': 'PAYMENT_METHOD_INVALID', // 카드번호 오류
    '3021': 'CARD_EXPIRED', // 유효기간 오류
    '3041': 'AMOUNT_NOT_ALLOWED', // 1000원 미만 신용카드 승인 불가
    '3051': 'CARD_NOT_SUPPORTED', // 해외카드 미등록 가맹점
    '3053': 'CARD_NOT_SUPPORTED', // 확인 불가 해외카드
    '3057': 'CARD_NOT_SUPPORTED', // 인증 불가카드
    '3095': 'ISSUER_DECLINED', // 카드사 실패 응답 (the issuer's reason is in resultMsg)
    F118: 'CARD_NOT_SUPPORTED', // 해당카드는 사용이 불가능
    A124: 'PAYMENT_METHOD_INVALID', // 해당 BID가 존재하지 않습니다
    A125: 'PAYMENT_METHOD_INVALID', // BID가 유효하지 않습니다
    A126: 'PAYMENT_METHOD_INVALID', // 이미 삭제된 빌키이거나 존재하지 않은 빌키
    U115: 'PAYMENT_METHOD_INVALID', // 삭제 처리된 BID
    U309: 'PAYMENT_METHOD_INVALID', // 발급되지 않은 BID
    U127: 'AMOUNT_NOT_ALLOWED', // 요청 금액이 올바르지 않습니다
    P017: 'AMOUNT_NOT_ALLOWED', // 0원 결제 불가
    PAYMENT_CANCELLED: 'DECLINED',
  },
  kakaopay: { '-780': 'ISSUER_DECLINED', '-782': 'PAYMENT_METHOD_INVALID', '-797': 'LIMIT_EXCEEDED', '-798': 'LIMIT_EXCEEDED' },
  // Keyed by PortOne's error type (portone.ts classifies a PG_PROVIDER decline by its type, keeps its pgCode).
  portone: {
    PG_PROVIDER: 'ISSUER_DECLINED',
    MAX_TRANSACTION_COUNT_REACHED: 'LIMIT_EXCEEDED',
    PAYMENT_CANCELLED: 'DECLINED',
    PAYMENT_PARTIAL_CANCELLED: 'DECLINED',
    BILLING_KEY_NOT_FOUND: 'PAYMENT_METHOD_INVALID',
    BILLING_KEY_ALREADY_DELETED: 'PAYMENT_METHOD_INVALID',
  },
};

/** The longest PG text kept for operators. */
export const PG_DETAIL_MAX_LENGTH = 200;

// eslint-disable-next-line no-control-regex -- stripping control characters is the point
const UNPRINTABLE = /[\u0000-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]+/gu;

/** A PG's free text made safe for an operator's mail or a log line: one line, no control or bidi characters, capped. */
export function pgText(text: string, max = PG_DETAIL_MAX_LENGTH): string {
  const line = text.replace(UNPRINTABLE, ' ').replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** Our reason for a PG's decline code (DECLINED when the PG's table does not know it). */
export function declineReasonOf(gateway: string, pgCode: string): DeclineReason {
  const table = PG_DECLINE_CODES[gateway] ?? {};
  if (Object.hasOwn(table, pgCode)) return table[pgCode]!;
  if (gateway === 'sandbox' && Object.hasOwn(TOSS_PAYMENTS, pgCode)) return TOSS_PAYMENTS[pgCode]!;
  return 'DECLINED';
}

/**
 * The DECLINED outcome a gateway adapter answers: the PG's code (an identifier, sanitised), our reason and
 * its Korean message, and the PG's own text as operator-only `detail`. `classifyBy` is the key of the
 * gateway's table when it is not the code kept (PortOne: the error type classifies, the PG's pgCode is kept).
 */
export function declined(gateway: string, pgCode: string, pgMessage: string, classifyBy?: string): Extract<ChargeOutcome, { status: 'DECLINED' }> {
  const code = pgText(pgCode, 64) || 'DECLINED';
  const reason = declineReasonOf(gateway, classifyBy ?? code);
  return { status: 'DECLINED', code, reason, message: DECLINE_REASONS[reason], detail: pgText(pgMessage) };
}

/** A failure we decide ourselves (no billing key, method no longer taken), in the same shape. */
export function ownDecline(reason: 'NO_BILLING_KEY' | 'PAYMENT_METHOD_NOT_AVAILABLE', detail: string): Extract<ChargeOutcome, { status: 'DECLINED' }> {
  return { status: 'DECLINED', code: reason, reason, message: DECLINE_REASONS[reason], detail };
}

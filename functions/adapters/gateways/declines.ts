/**
 * Each PG's own decline codes → our DeclineReason: one table per adapter
 * family, so a buyer's mail, the admin views and the metrics say the same
 * thing whichever PG declined. The PG's code and text stay on the outcome
 * (`code`, `message`) for operators; a code missing from a table is
 * `DECLINED`, never guessed.
 *
 * Sources (the adapters cite the same pages in their headers):
 * - Toss Payments: https://docs.tosspayments.com/reference/error-codes (카드 자동결제 승인).
 * - NICE Payments: nicepay-manual common/code.md (API 응답코드): 30xx card answers,
 *   A12x/U115/U309 billing-key answers, U1xx/P0xx request refusals.
 * - KakaoPay: its error_code (negative numbers) — -780 approval failure (the
 *   card company's or KakaoPay money's refusal, details in `extras`), -782 the
 *   subscription's sid is not usable, -797/-798 KakaoPay's payment limits. Our
 *   stored corpus has no KakaoPay error table: these are NOT confirmed against
 *   developers.kakaopay.com; any other 4xx code is `DECLINED`.
 * - PortOne V2: its error `type` (the SDK's PayWithBillingKeyError union); the
 *   card company's own code under PG_PROVIDER (`pgCode`) differs per PG behind
 *   PortOne (Inicis, KCP, KSNET) and is kept as `code`, classified CARD_REFUSED.
 */
import type { AdapterFamily } from '../../../system/payment-gateways.ts';
import type { ChargeOutcome, DeclineReason } from './payment-gateway.ts';

const TOSSPAYMENTS: Readonly<Record<string, DeclineReason>> = {
  REJECT_CARD_PAYMENT: 'INSUFFICIENT_FUNDS',
  REJECT_ACCOUNT_PAYMENT: 'INSUFFICIENT_FUNDS',
  REJECT_CARD_COMPANY: 'CARD_REFUSED',
  INVALID_REJECT_CARD: 'CARD_REFUSED',
  INVALID_CARD_NUMBER: 'CARD_REFUSED',
  NOT_SUPPORTED_CARD_TYPE: 'CARD_REFUSED',
  NOT_REGISTERED_CARD_COMPANY: 'CARD_REFUSED',
  NOT_ALLOWED_POINT_USE: 'CARD_REFUSED',
  INVALID_STOPPED_CARD: 'CARD_STOPPED',
  INVALID_CARD_LOST_OR_STOLEN: 'CARD_STOPPED',
  INVALID_CARD_EXPIRATION: 'CARD_EXPIRED',
  EXCEED_MAX_DAILY_PAYMENT_COUNT: 'LIMIT_EXCEEDED',
  EXCEED_MAX_ONE_DAY_AMOUNT: 'LIMIT_EXCEEDED',
  EXCEED_MAX_PAYMENT_AMOUNT: 'LIMIT_EXCEEDED',
  EXCEED_MAX_MONTHLY_PAYMENT_AMOUNT: 'LIMIT_EXCEEDED',
  EXCEED_MAX_AMOUNT: 'LIMIT_EXCEEDED',
  NOT_MATCHES_CUSTOMER_KEY: 'PAYMENT_METHOD_GONE',
  INVALID_BILL_KEY_REQUEST: 'PAYMENT_METHOD_GONE',
  ALREADY_REMOVED_BILLING_KEY: 'PAYMENT_METHOD_GONE',
  BELOW_MINIMUM_AMOUNT: 'REQUEST_REFUSED',
  INVALID_REQUEST: 'REQUEST_REFUSED',
  INVALID_EMAIL: 'REQUEST_REFUSED',
  INVALID_CARD_INSTALLMENT_PLAN: 'REQUEST_REFUSED',
  EXCEED_MAX_CARD_INSTALLMENT_PLAN: 'REQUEST_REFUSED',
  NOT_SUPPORTED_INSTALLMENT_PLAN_CARD_OR_MERCHANT: 'REQUEST_REFUSED',
  NOT_SUPPORTED_MONTHLY_INSTALLMENT_PLAN: 'REQUEST_REFUSED',
  PAYMENT_CANCELED: 'PAYMENT_CANCELLED',
  PAYMENT_ABORTED: 'DECLINED',
  PAYMENT_EXPIRED: 'DECLINED',
};

const NICEPAY: Readonly<Record<string, DeclineReason>> = {
  '3011': 'CARD_REFUSED', // 카드번호 오류
  '3021': 'CARD_EXPIRED', // 유효기간 오류
  '3041': 'REQUEST_REFUSED', // 1000원 미만 신용카드 승인 불가
  '3051': 'CARD_REFUSED', // 해외카드 미등록 가맹점
  '3053': 'CARD_REFUSED', // 확인 불가 해외카드
  '3057': 'CARD_REFUSED', // 인증 불가카드
  '3095': 'CARD_REFUSED', // 카드사 실패 응답 (the issuer's own reason is in resultMsg)
  F118: 'CARD_REFUSED', // 해당카드는 사용이 불가능
  A124: 'PAYMENT_METHOD_GONE', // 해당 BID가 존재하지 않습니다
  A125: 'PAYMENT_METHOD_GONE', // BID가 유효하지 않습니다
  A126: 'PAYMENT_METHOD_GONE', // 이미 삭제된 빌키이거나 존재하지 않은 빌키
  U115: 'PAYMENT_METHOD_GONE', // 삭제 처리된 BID
  U309: 'PAYMENT_METHOD_GONE', // 발급되지 않은 BID
  U100: 'REQUEST_REFUSED', // 필수입력항목 누락
  U105: 'REQUEST_REFUSED', // 필드 최대길이 초과
  U127: 'REQUEST_REFUSED', // 요청 금액이 올바르지 않습니다
  U321: 'REQUEST_REFUSED', // 면세금액이 결제금액 보다 큼
  P017: 'REQUEST_REFUSED', // 0원 결제 불가
  PAYMENT_CANCELLED: 'PAYMENT_CANCELLED',
};

const KAKAOPAY: Readonly<Record<string, DeclineReason>> = {
  '-780': 'CARD_REFUSED',
  '-782': 'PAYMENT_METHOD_GONE',
  '-797': 'LIMIT_EXCEEDED',
  '-798': 'LIMIT_EXCEEDED',
};

/** Keyed by PortOne's error `type` (PG_PROVIDER carries the PG's own code beside it). */
const PORTONE: Readonly<Record<string, DeclineReason>> = {
  PG_PROVIDER: 'CARD_REFUSED',
  BILLING_KEY_ALREADY_DELETED: 'PAYMENT_METHOD_GONE',
  BILLING_KEY_NOT_FOUND: 'PAYMENT_METHOD_GONE',
  MAX_TRANSACTION_COUNT_REACHED: 'LIMIT_EXCEEDED',
  INVALID_REQUEST: 'REQUEST_REFUSED',
  PAYMENT_CANCELLED: 'PAYMENT_CANCELLED',
  PAYMENT_PARTIAL_CANCELLED: 'PAYMENT_CANCELLED',
  PAYMENT_FAILED: 'DECLINED',
};

const TABLES: Readonly<Record<AdapterFamily, Readonly<Record<string, DeclineReason>>>> = { tosspayments: TOSSPAYMENTS, nicepay: NICEPAY, kakaopay: KAKAOPAY, portone: PORTONE };

/** Our reason for a PG's decline code; `DECLINED` for a code not in the family's table. */
export function declineReason(family: AdapterFamily, pgCode: string): DeclineReason {
  const table = TABLES[family];
  return Object.hasOwn(table, pgCode) ? table[pgCode]! : 'DECLINED';
}

/**
 * The DECLINED outcome of a PG's answer. `classifyBy` is the key of the
 * family's table when it differs from the code kept (PortOne: the error type
 * classifies, the PG's own pgCode is kept).
 */
export function declined(family: AdapterFamily, code: string, message: string, classifyBy: string = code): Extract<ChargeOutcome, { status: 'DECLINED' }> {
  return { status: 'DECLINED', code, message, reason: declineReason(family, classifyBy) };
}

import { ApiError } from '../api/errors.ts';

/**
 * What a person reads when the API refuses: one Korean sentence per error
 * code the pages meet (the API's own English message is the fallback).
 */
const MESSAGES: Record<string, string> = {
  // Storefront (S9, S13–S16)
  FOREIGN_CARD_NOT_ALLOWED: '해외에서 발급된 카드는 정기배송 결제에 사용할 수 없어요. 국내에서 발급된 카드로 다시 등록해 주세요.',
  CARD_REGISTRATION_FAILED: '카드를 등록하지 못했어요. 다시 시도하거나 다른 카드를 이용해 주세요.',
  SERVICE_NOT_ACTIVE: '이 쇼핑몰은 지금 정기배송 신청을 받지 않아요.',
  PRODUCT_NOT_SUBSCRIBABLE: '정기배송을 이용할 수 없는 상품이에요. (1+N 이벤트 상품은 정기배송을 이용할 수 없어요.)',
  CYCLE_NOT_OFFERED: '이 상품은 선택한 배송 주기를 제공하지 않아요.',
  START_DATE_OUT_OF_RANGE: '배송 시작일을 선택할 수 있는 기간이 아니에요. 날짜를 다시 선택해 주세요.',
  PAYMENT_METHOD_NOT_AVAILABLE: '이 쇼핑몰에서 제공하지 않는 결제 수단이에요.',
  CHECKOUT_IN_PROGRESS: '결제 수단을 등록하는 중이에요. 잠시 후 다시 시도해 주세요.',
  SUBSCRIPTION_NOT_PENDING: '이미 처리되었거나 유효 시간이 지난 신청이에요. 처음부터 다시 신청해 주세요.',
  NO_REGISTERED_CARD: '등록된 카드가 없어요. 카드를 등록해 주세요.',
  PRODUCT_NOT_IN_SUBSCRIPTION: '이 정기배송에 없는 상품이에요.',
  // What a PG's registration window hands back to the fail URL
  USER_CANCEL: '카드 등록 창을 닫았어요. 정기배송 신청이 완료되지 않았고, 결제되거나 저장된 것은 없어요.',
  PAY_PROCESS_CANCELED: '카드 등록 창을 닫았어요. 정기배송 신청이 완료되지 않았고, 결제되거나 저장된 것은 없어요.',
  REJECT_CARD_COMPANY: '카드사에서 카드 등록을 거절했어요. 다른 카드를 이용해 주세요.',
  UNKNOWN_TEST_CARD: '샌드박스 PG가 모르는 카드 번호예요. 아래 테스트 카드 중 하나를 입력해 주세요.',
  // Merchant and platform (S1–S3, S8, S12, S21)
  PRODUCT_MANAGEMENT_NOT_SUPPORTED: '정기배송 서비스는 뉴상품 관리를 사용하는 쇼핑몰만 신청할 수 있어요.',
  ALREADY_APPLIED: '이미 신청했거나 서비스를 이용 중이에요.',
  PG_CONTRACT_MISSING: '등록된 PG 계약이 없어요. 플랫폼에서 PG 계약 정보를 먼저 등록해야 해요.',
  GATEWAY_NOT_AVAILABLE: '이 PG사는 아직 정기결제 API를 제공하지 않아 신청할 수 없어요.',
  NOT_UNDER_REVIEW: '심사 중인 신청이 없어요.',
  SERVICE_STOPPING: '서비스 중단을 처리하는 중이에요. 끝난 뒤에 다시 시도해 주세요.',
  SHOP_ALREADY_EXISTS: '같은 아이디의 쇼핑몰이 이미 있어요.',
  TOP_UP_REFERENCE_REUSED: '같은 충전 번호로 다른 금액이 이미 충전되었어요.',
  IDEMPOTENCY_KEY_IN_PROGRESS: '신청을 처리하는 중이에요. 잠시 후 다시 눌러 주세요.',
  IDEMPOTENCY_KEY_REUSED: '같은 요청 번호로 다른 신청이 이미 있었어요. 다시 신청해 주세요.',
  // Anyone
  VALIDATION_FAILED: '입력한 내용을 확인해 주세요.',
  UNAUTHENTICATED: '로그인이 필요해요. 다시 로그인해 주세요.',
  FORBIDDEN: '이 화면을 볼 수 있는 권한이 없어요.',
  NOT_FOUND: '찾을 수 없어요.',
  CONCURRENT_UPDATE: '동시에 변경되었어요. 다시 시도해 주세요.',
  CLOCK_MOVE_REFUSED: '시계를 그만큼 옮길 수 없어요.',
  INTERNAL_ERROR: '일시적인 오류가 생겼어요. 잠시 후 다시 시도해 주세요.',
};

export function messageFor(code: string, fallback: string): string {
  return MESSAGES[code] ?? fallback;
}

/** What a person reads for any thrown value: the code's Korean sentence, or the message. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return messageFor(error.code, error.apiMessage);
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The Korean words the pages show, in the seed's own terms where it has them
 * (구매방법, 1회 구매, 정기배송, 배송 주기, 주문서 작성, 배송 시작일,
 * 정기배송 신청하기, 정기배송 결제 안내, 정기배송 자동 해지, 서비스 신청).
 */
export const TERMS = {
  purchaseMethod: '구매방법',
  oneTime: '1회 구매',
  subscription: '정기배송',
  cycle: '배송 주기',
  orderForm: '주문서 작성',
  startDate: '배송 시작일',
  apply: '정기배송 신청하기',
  paymentNotice: '정기배송 결제 안내',
  autoCancel: '정기배송 자동 해지',
  serviceApplication: '서비스 신청',
  usageStatus: '정기결제 서비스 이용 현황',
  subscriptionsLookup: '정기배송 신청 내역 관리',
} as const;

const CYCLES: Record<string, string> = {
  '1w': '1주마다',
  '2w': '2주마다',
  '3w': '3주마다',
  '4w': '4주마다',
  '1m': '1개월마다',
  '2m': '2개월마다',
  '3m': '3개월마다',
  '4m': '4개월마다',
  '5m': '5개월마다',
  '6m': '6개월마다',
  '1y': '1년마다',
};
export const ALL_CYCLES = Object.keys(CYCLES);
export const cycleLabel = (code: string): string => CYCLES[code] ?? code;

const SUBSCRIPTION_STATUS: Record<string, string> = {
  PENDING_PAYMENT: '결제 수단 등록 대기',
  ACTIVE: '이용 중',
  PAUSED: '일시 정지',
  COMPLETED: '배송 완료(종료)',
  CANCELLED: '해지',
};
export const subscriptionStatusLabel = (status: string): string => SUBSCRIPTION_STATUS[status] ?? status;

const CYCLE_STATUS: Record<string, string> = {
  SCHEDULED: '예정',
  NOTICED: '결제 안내됨',
  CHARGED: '결제 완료',
  SKIPPED: '결제 안 함(건너뜀)',
  FAILED: '결제 실패',
  CANCELLED: '해지',
  REVIEW: '결제 확인 필요',
};
export const cycleStatusLabel = (status: string): string => CYCLE_STATUS[status] ?? status;

const SERVICE_STATUS: Record<string, string> = {
  NOT_APPLIED: '신청 전',
  REVIEWING: 'PG사 심사 중',
  ACTIVE: '이용 중',
  REJECTED: '심사 반려',
  STOPPING: '서비스 중단 처리 중',
  STOPPED: '서비스 중단됨',
};
export const serviceStatusLabel = (status: string): string => SERVICE_STATUS[status] ?? status;

/** S7: the PGs by the names merchants know them by. */
const GATEWAYS: Record<string, string> = {
  inicis: '이니시스',
  allat: '올앳',
  kcp: 'KCP',
  tosspayments: '토스페이먼츠',
  ksnet: 'KSNET',
  nicepay: '나이스페이먼츠',
  cafe24pay: '카페24페이먼츠',
  kakaopay: '카카오페이',
  sandbox: '샌드박스 PG',
};
export const gatewayLabel = (id: string | null | undefined): string => (id ? (GATEWAYS[id] ?? id) : '없음');
export const CARD_PG_IDS = ['inicis', 'allat', 'kcp', 'tosspayments', 'ksnet', 'nicepay', 'cafe24pay'] as const;

/** S3, in the seed's words (the API lists them in English). */
const DOCUMENTS: Record<string, string> = {
  'Recurring-payment contract (special terms)': '정기결제 계약(특약)서',
  'Amendment/addendum contract (2 copies)': '변경 추가 계약서(2부)',
  'Recurring-payment special terms': '정기 결제 특약서',
};
export const documentLabel = (document: string): string => DOCUMENTS[document] ?? document;

const PAYMENT_METHODS: Record<string, string> = { card: '카드 결제', kakaopay: '간편결제(카카오페이)' };
export const paymentMethodLabel = (method: string): string => PAYMENT_METHODS[method] ?? method;

const STOP_REASONS: Record<string, string> = {
  MERCHANT_REQUEST: '운영자가 서비스를 중단함',
  PG_CHANGED: 'PG사 변경',
  PG_UNLINKED: 'PG사 연동 해제',
  KAKAOPAY_OFF: '카카오페이 사용 중지',
};
export const stopReasonLabel = (reason: string): string => STOP_REASONS[reason] ?? reason;

const STOP_PHASES: Record<string, string> = {
  CANCEL: '정기배송 자동 해지 중',
  KEYS: '정기결제 카드 정보 삭제 중',
  SWEEP: '남은 카드 정보 확인 중',
  MAIL: '자동 해지 메일 발송 중',
  SUMMARY: '운영자 안내 메일 발송 중',
  FINISH: '마무리 중',
  DONE: '완료',
};
export const stopPhaseLabel = (phase: string): string => STOP_PHASES[phase] ?? phase;

const CANCEL_REASONS: Record<string, string> = {
  CUSTOMER_REQUEST: '구매자가 해지함',
  SERVICE_STOPPED: '쇼핑몰의 정기배송 서비스 중단으로 자동 해지',
  KAKAOPAY_DISABLED: '카카오페이 사용 중지로 자동 해지',
};
export const cancelReasonLabel = (reason: string): string => CANCEL_REASONS[reason] ?? reason;

const LEDGER_REASONS: Record<string, string> = {
  'top-up': '충전',
  'payment-notice': '정기배송 결제 안내 SMS',
  'auto-cancel': '정기배송 자동 해지 메일(고객)',
  'auto-cancel-summary': '정기배송 자동 해지 메일(운영자)',
  'charge-failed': '결제 실패 안내',
};
export const ledgerReasonLabel = (reason: string): string => LEDGER_REASONS[reason] ?? reason;

const OUTBOX_KINDS: Record<string, string> = {
  'payment-notice': TERMS.paymentNotice,
  'charge-failed': '정기배송 결제 실패 안내',
  'auto-cancel': `${TERMS.autoCancel} (고객)`,
  'auto-cancel-summary': `${TERMS.autoCancel} (운영자)`,
};
export const outboxKindLabel = (kind: string): string => OUTBOX_KINDS[kind] ?? kind;

/**
 * A shop and the state of its subscription service. The service state lives on
 * the shop item so that each transition (apply, review, PG change, stop) is a
 * single conditional write.
 */

export const CARD_PGS = ['inicis', 'allat', 'kcp', 'tosspayments', 'ksnet', 'nicepay', 'cafe24pay'] as const; // S7
export type CardPg = (typeof CARD_PGS)[number];

export const EASY_PAYS = ['kakaopay'] as const; // S7, S9
export type EasyPay = (typeof EASY_PAYS)[number];

export const SERVICE_STATUSES = ['NOT_APPLIED', 'REVIEWING', 'ACTIVE', 'REJECTED', 'STOPPING', 'STOPPED'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** S8: only shops on the "new product management" may use the service. */
export type ProductManagement = 'new' | 'legacy';

export interface Shop {
  readonly shopId: string;
  readonly name: string;
  readonly operatorEmail: string;
  readonly productManagement: ProductManagement;
  readonly createdAt: string;
  readonly service: ServiceState;
  /** Maintained by the subscription lifecycle (activate +1, cancel -1); S6 usage figure. */
  readonly activeSubscriptions: number;
}

export interface ServiceState {
  readonly status: ServiceStatus;
  readonly cardPg: CardPg | null;
  readonly easyPay: readonly EasyPay[];
  readonly rejectionReason?: string;
}

export const NOT_APPLIED: ServiceState = { status: 'NOT_APPLIED', cardPg: null, easyPay: [] };

/** S3: what each PG asks the merchant to submit for its review. */
export const REQUIRED_DOCUMENTS: Readonly<Record<CardPg, readonly string[]>> = {
  kcp: ['Recurring-payment contract (special terms)'],
  allat: ['Recurring-payment contract (special terms)'],
  tosspayments: ['Amendment/addendum contract (2 copies)'],
  nicepay: ['Recurring-payment special terms'],
  inicis: [],
  ksnet: [],
  cafe24pay: [],
};

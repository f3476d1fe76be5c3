/**
 * A shop and the state of its subscription service. The service state lives on
 * the shop item so that each transition (apply, review, PG change, stop) is a
 * single conditional write; the transitions below are pure functions that
 * either answer the next state or throw the contract's refusal.
 */
import { CARD_GATEWAY_IDS, EASY_PAY_GATEWAY_IDS, PAYMENT_GATEWAYS, type CardGatewayId, type EasyPayGatewayId } from '../../system/payment-gateways.ts';
import { Conflict } from '../core/errors.ts';
import type { DeliveryCalendar } from './delivery-calendar.ts';

/** S7: declared once, in system/payment-gateways.ts. */
export const CARD_PGS = CARD_GATEWAY_IDS;
export type CardPg = CardGatewayId;

export const EASY_PAYS = EASY_PAY_GATEWAY_IDS; // S7, S9
export type EasyPay = EasyPayGatewayId;

export const SERVICE_STATUSES = ['NOT_APPLIED', 'REVIEWING', 'ACTIVE', 'REJECTED', 'STOPPING', 'STOPPED'] as const;
export type ServiceStatus = (typeof SERVICE_STATUSES)[number];

/** S8: only shops on the "new product management" may use the service. */
export type ProductManagement = 'new' | 'legacy';

export type StopReason = 'PG_CHANGED' | 'PG_UNLINKED' | 'MERCHANT_REQUEST';

export interface ServiceState {
  readonly status: ServiceStatus;
  /** The card PG the shop's contract is with (S9: one at a time); kept after a stop, for the next application. */
  readonly cardPg: CardPg | null;
  readonly easyPay: readonly EasyPay[];
  readonly appliedAt?: string;
  readonly reviewedAt?: string;
  readonly rejectionReason?: string;
  /** The last stop (S21–S24): why, when, and the job that runs its cascade (`keys.stopJob`). */
  readonly stop?: { readonly reason: StopReason; readonly at: string; readonly jobId?: string };
  /** The last KakaoPay switch-off whose cascade cancels the KakaoPay subscriptions (the service stays ACTIVE). */
  readonly easyPayStop?: { readonly at: string; readonly jobId: string };
}

/** Days from today (Asia/Seoul) a buyer may pick as the first delivery (S15). */
export interface StartDateWindow {
  readonly earliestDaysAhead: number;
  readonly latestDaysAhead: number;
}

/** Default: from today + 3, so the D-2 notice is still ahead (S17), to today + 60. */
export const DEFAULT_START_DATE_WINDOW: StartDateWindow = { earliestDaysAhead: 3, latestDaysAhead: 60 };

export interface Shop {
  readonly shopId: string;
  readonly name: string;
  readonly operatorEmail: string;
  readonly productManagement: ProductManagement;
  readonly createdAt: string;
  readonly service: ServiceState;
  readonly startDateWindow: StartDateWindow;
  /** Which days the shop does not deliver on and which way such a delivery moves (issue 14); off by default. */
  readonly deliveryCalendar: DeliveryCalendar;
  /** Maintained by the subscription lifecycle (activate +1, cancel −1); S6 usage figure. */
  readonly activeSubscriptions: number;
  /** Optimistic-concurrency version: every write of the shop item expects the version it read. */
  readonly version: number;
}

export const NOT_APPLIED: ServiceState = { status: 'NOT_APPLIED', cardPg: null, easyPay: [] };

/** S3: what each PG asks the merchant to submit for its review (system/payment-gateways.ts). */
export const REQUIRED_DOCUMENTS: Readonly<Record<CardPg, readonly string[]>> = Object.fromEntries(CARD_PGS.map((id) => [id, PAYMENT_GATEWAYS[id].requiredDocuments])) as unknown as Record<CardPg, readonly string[]>;

const stopping = () => new Conflict('SERVICE_STOPPING', 'The service is stopping; try again when it has stopped.');

/** S1–S3, S8: apply on the shop's PG contract; the PG reviews it. A rejected or stopped shop may apply again. */
export function apply(shop: Shop, request: { cardPg: CardPg | null; easyPay?: readonly EasyPay[] }, at: string): ServiceState {
  if (shop.productManagement !== 'new') {
    throw new Conflict('PRODUCT_MANAGEMENT_NOT_SUPPORTED', 'The subscription service needs the new product management (S8).');
  }
  const { status } = shop.service;
  if (status === 'REVIEWING' || status === 'ACTIVE' || status === 'STOPPING') {
    throw new Conflict('ALREADY_APPLIED', `The service is ${status}; an application is only possible before, after a rejection, or after a stop.`);
  }
  return { status: 'REVIEWING', cardPg: request.cardPg, easyPay: [...new Set(request.easyPay ?? [])], appliedAt: at };
}

/** S2: the PG's review result. */
export function review(service: ServiceState, decision: 'approved' | 'rejected', reason: string | undefined, at: string): ServiceState {
  if (service.status !== 'REVIEWING') throw new Conflict('NOT_UNDER_REVIEW', `The service is ${service.status}, not under review.`);
  const { rejectionReason: _previous, ...rest } = service;
  return decision === 'approved'
    ? { ...rest, status: 'ACTIVE', reviewedAt: at }
    : { ...rest, status: 'REJECTED', reviewedAt: at, rejectionReason: reason ?? 'Rejected by the payment gateway' };
}

/**
 * S21: changing the card PG stops a running service. An application under
 * review was made on the old PG's contract, so it is withdrawn. The stop
 * cascade of S22–S24 (cancel subscriptions, delete card keys, mail) is run by
 * the stop job.
 */
export function changeCardPg(service: ServiceState, cardPg: CardPg | null, at: string, jobId: string): ServiceState {
  if (service.status === 'STOPPING') throw stopping();
  if (service.cardPg === cardPg) return service;
  const reason: StopReason = cardPg === null ? 'PG_UNLINKED' : 'PG_CHANGED';
  if (service.status === 'ACTIVE') return { status: 'STOPPING', cardPg, easyPay: service.easyPay, stop: { reason, at, jobId } };
  if (service.status === 'REVIEWING') return { status: 'NOT_APPLIED', cardPg, easyPay: service.easyPay };
  return { ...service, cardPg };
}

/** S9: KakaoPay is switched on and off independently of the card PG. */
export function setEasyPay(service: ServiceState, kakaopay: boolean, at: string, jobId: string): ServiceState {
  if (service.status === 'STOPPING') throw stopping();
  const easyPay: EasyPay[] = kakaopay ? ['kakaopay'] : [];
  // S22 for KakaoPay alone: switching it off on a running service cancels the KakaoPay subscriptions (a job).
  if (!kakaopay && service.status === 'ACTIVE' && service.easyPay.includes('kakaopay')) return { ...service, easyPay, easyPayStop: { at, jobId } };
  return { ...service, easyPay };
}

/**
 * S22: the merchant stops its running service. ACTIVE → STOPPING (the stop job runs the cascade, then
 * STOPPED); STOPPING stays as it is (the caller resumes the job). Anything else has nothing to stop.
 */
export function stop(service: ServiceState, at: string, jobId: string): ServiceState {
  if (service.status === 'STOPPING') return service;
  if (service.status !== 'ACTIVE') throw new Conflict('SERVICE_NOT_ACTIVE', `The service is ${service.status}; only an active service can be stopped.`);
  return { ...service, status: 'STOPPING', stop: { reason: 'MERCHANT_REQUEST', at, jobId } };
}

/** S21–S24: the stop job is done. Only the stop it ran for ends (a later stop has another job id). */
export function finishStop(service: ServiceState, jobId: string): ServiceState {
  if (service.status !== 'STOPPING' || service.stop?.jobId !== jobId) return service;
  return { ...service, status: 'STOPPED' };
}

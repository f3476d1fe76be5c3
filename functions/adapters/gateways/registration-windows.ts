/**
 * What the storefront gets from signup to open each PG's registration window
 * (`registration` of POST /subscriptions), and what it posts back to checkout
 * as `{authKey}`. One shape per adapter family, built here for the real
 * adapters and for the local sandbox alike, so a storefront written against
 * `npm start` works unchanged against the real PG.
 *
 * | family | window | hands back as authKey |
 * | --- | --- | --- |
 * | tosspayments | JS SDK v2 `requestBillingAuth` with clientKey + customerKey | authKey |
 * | nicepay | JS SDK `AUTHNICE.requestPay({clientId, method: 'cardBill', orderId, returnUrl})` | tid (posted to returnUrl) |
 * | kakaopay | redirect to next_redirect_pc_url / mobile url after our "ready" | pg_token (on approval_url) |
 * | portone | browser SDK `requestIssueBillingKey({storeId, channelKey, billingKeyMethod: 'CARD', issueId})` | billingKey |
 */
import type { AdapterFamily } from '../../../system/payment-gateways.ts';
import type { RegistrationRequest } from './payment-gateway.ts';

/** The public part of a shop's contract that windows may show (never a secret key). */
export interface PublicContract {
  readonly clientKey?: string;
  readonly storeId?: string;
  readonly channelKey?: string;
  readonly returnUrl?: string;
}

export interface KakaoPayReady {
  readonly tid: string;
  readonly nextRedirectPcUrl: string;
  readonly nextRedirectMobileUrl?: string;
  readonly nextRedirectAppUrl?: string;
}

export function registrationWindow(
  family: AdapterFamily,
  gateway: string,
  contract: PublicContract,
  request: RegistrationRequest,
  ready?: KakaoPayReady,
): Record<string, unknown> & { gateway: string } {
  switch (family) {
    case 'tosspayments':
      return { gateway, handsBack: 'authKey', clientKey: contract.clientKey, customerKey: request.customerKey, method: 'CARD' };
    case 'nicepay':
      return { gateway, handsBack: 'tid', clientId: contract.clientKey, method: 'cardBill', orderId: `reg-${request.subscriptionId}`, returnUrl: contract.returnUrl, mallUserId: request.customerKey.slice(0, 20) };
    case 'kakaopay':
      return { gateway, handsBack: 'pg_token', ...(ready ?? {}) };
    case 'portone':
      return { gateway, via: 'portone', handsBack: 'billingKey', storeId: contract.storeId, channelKey: contract.channelKey, billingKeyMethod: 'CARD', issueId: `reg-${request.subscriptionId}`, customer: { customerId: request.customerKey } };
  }
}

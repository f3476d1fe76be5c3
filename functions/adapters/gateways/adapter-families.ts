/**
 * One factory per adapter family (system/payment-gateways.ts `adapter`), per capability of the port
 * (payment-gateway.ts): a function's registry is built with the table of the part it calls
 * (functions/wiring/gateways.ts: billing keys; charging-gateways.ts: charging), so that esbuild leaves the
 * other part of every adapter out of its bundle (issue 12). Adding a PG family: one line in each table.
 */
import type { PaymentClient } from '@portone/server-sdk/payment';
import type { AdapterFamily, GatewayId } from '../../../system/payment-gateways.ts';
import { kakaoPayBillingKeys, kakaoPayCharging, type KakaoPayOptions } from './kakaopay.ts';
import { nicePayBillingKeys, nicePayCharging, type NicePayOptions } from './nicepay.ts';
import type { BillingKeyGateway, ChargingGateway, GatewayIdentity } from './payment-gateway.ts';
import { portOneBillingKeys, portOneCharging, type PortOneOptions } from './portone.ts';
import { tossPaymentsBillingKeys, tossPaymentsCharging, type TossPaymentsOptions } from './tosspayments.ts';

/** What a family's factory gets: the gateway it serves and that shop's validated credentials. */
export interface AdapterInput {
  readonly gateway: GatewayId;
  readonly credentials: Readonly<Record<string, string>>;
  /** Tests point adapters at contract stubs; production uses each PG's documented host. */
  readonly baseUrl?: string;
}
export type AdapterFactory<G extends GatewayIdentity> = (input: AdapterInput) => G;

const baseUrlOf = ({ baseUrl }: AdapterInput) => (baseUrl ? { baseUrl } : {});

/** Each family's options from a shop's credentials (the fields system/payment-gateways.ts requires of it). */
const tossOptions = (input: AdapterInput): TossPaymentsOptions => ({ gateway: input.gateway, secretKey: input.credentials.secretKey!, clientKey: input.credentials.clientKey!, ...baseUrlOf(input) });
const niceOptions = (input: AdapterInput): NicePayOptions => ({
  gateway: input.gateway,
  clientKey: input.credentials.clientKey!,
  secretKey: input.credentials.secretKey!,
  returnUrl: input.credentials.returnUrl!,
  ...baseUrlOf(input),
});
const kakaoOptions = ({ credentials, ...input }: AdapterInput): KakaoPayOptions => ({
  cid: credentials.cid!,
  secretKey: credentials.secretKey!,
  approvalUrl: credentials.approvalUrl!,
  cancelUrl: credentials.cancelUrl!,
  failUrl: credentials.failUrl!,
  ...baseUrlOf({ credentials, ...input }),
});
const portOneOptions = (input: AdapterInput): PortOneOptions => ({
  gateway: input.gateway,
  storeId: input.credentials.storeId!,
  apiSecret: input.credentials.apiSecret!,
  channelKey: input.credentials.channelKey!,
  ...baseUrlOf(input),
});

/** Registration windows, billing-key issue, deletion and listing: sign-up, checkout, card change, the stop worker. */
export const BILLING_KEY_ADAPTERS: Readonly<Record<AdapterFamily, AdapterFactory<BillingKeyGateway>>> = {
  tosspayments: (input) => tossPaymentsBillingKeys(tossOptions(input)),
  nicepay: (input) => nicePayBillingKeys(niceOptions(input)),
  kakaopay: (input) => kakaoPayBillingKeys(kakaoOptions(input)),
  portone: (input) => portOneBillingKeys(portOneOptions(input)),
};

/**
 * Charging and lookups: the charge worker and the merchant's retry. PortOne's SDK PaymentClient
 * (`@portone/server-sdk/payment`, every payment API) is handed in by the wiring that charges, so no other
 * function imports it.
 */
export function chargingAdapters(payments: typeof PaymentClient): Readonly<Record<AdapterFamily, AdapterFactory<ChargingGateway>>> {
  return {
    tosspayments: (input) => tossPaymentsCharging(tossOptions(input)),
    nicepay: (input) => nicePayCharging(niceOptions(input)),
    kakaopay: (input) => kakaoPayCharging(kakaoOptions(input)),
    portone: (input) => portOneCharging(portOneOptions(input), payments),
  };
}

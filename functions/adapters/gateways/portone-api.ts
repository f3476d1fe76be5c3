/**
 * The four PortOne V2 calls the PortOne adapter makes (portone.ts), as
 * PortOne's server SDK (@portone/server-sdk 0.19) makes them — the same
 * method, path, headers and JSON body — without the SDK: its generated client
 * brings every PortOne API (18 KB minified) into each function that charges,
 * and issue 12 keeps every bundle under 150 KB.
 *
 * - `getPayment`: GET /payments/{paymentId}?storeId=…
 * - `payWithBillingKey`: POST /payments/{paymentId}/billing-key, with the store id in the body
 * - `getBillingKeyInfo`: GET /billing-keys/{billingKey}?storeId=…
 * - `deleteBillingKey`: DELETE /billing-keys/{billingKey}?storeId=…
 * (the SDK adds `storeId` to a GET or DELETE only when the call passes it)
 *
 * Like the SDK, a non-2xx answer throws a PortOneError whose `data` is the
 * answer's body (`{type, message, pgCode?, pgMessage?}`); a network failure
 * throws what fetch threw. Auth: `Authorization: PortOne {apiSecret}`.
 */
import { parseJson } from './http-json.ts';

/** The user agent PortOne's SDK sends (its version this client follows). */
const USER_AGENT = 'portone-server-sdk-js/js-v0.19.0';

export class PortOneError extends Error {
  constructor(readonly data: unknown) {
    super('PortOne refused the request');
    this.name = 'PortOneError';
  }
}

export interface PortOneClientOptions {
  readonly secret: string;
  readonly storeId: string;
  /** @default https://api.portone.io */
  readonly baseUrl?: string;
}

export interface PayWithBillingKeyRequest {
  readonly paymentId: string;
  readonly billingKey: string;
  readonly channelKey: string;
  readonly orderName: string;
  readonly amount: { readonly total: number };
  readonly currency: 'KRW';
  readonly customer: { readonly id: string; readonly email?: string };
}

export function portOneClient(init: PortOneClientOptions) {
  const baseUrl = init.baseUrl ?? 'https://api.portone.io';
  async function call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers: { Authorization: `PortOne ${init.secret}`, 'User-Agent': USER_AGENT },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = parseJson(await response.text());
    if (!response.ok) throw new PortOneError(answer);
    return answer;
  }
  const query = (storeId: string | undefined) => (storeId === undefined ? '' : `storeId=${encodeURIComponent(storeId)}`);
  return {
    getPayment: ({ paymentId, storeId }: { paymentId: string; storeId?: string }) => call('GET', `/payments/${encodeURIComponent(paymentId)}?${query(storeId)}`),
    payWithBillingKey: async ({ paymentId, ...rest }: PayWithBillingKeyRequest) =>
      (await call('POST', `/payments/${encodeURIComponent(paymentId)}/billing-key`, { storeId: init.storeId, ...rest })) as { payment: { pgTxId?: string; paidAt: string } },
    billingKey: {
      getBillingKeyInfo: ({ billingKey, storeId }: { billingKey: string; storeId?: string }) => call('GET', `/billing-keys/${encodeURIComponent(billingKey)}?${query(storeId)}`),
      deleteBillingKey: ({ billingKey, storeId }: { billingKey: string; storeId?: string }) => call('DELETE', `/billing-keys/${encodeURIComponent(billingKey)}?${query(storeId)}`),
    },
  };
}

/**
 * KG Inicis, NHN KCP and KSNET through PortOne V2, with PortOne's official
 * server SDK (@portone/server-sdk) behind the payment-gateway port. The shop's
 * contract is its PortOne store id, V2 API secret, and the channel key of its PG.
 *
 * Only the SDK's payment clients are imported, through its granular subpath exports: the
 * package root would bring every PortOne API into each function that calls a PG (issue 12:
 * every bundle ≤ 150 KB). This module imports `@portone/server-sdk/payment/billingKey`
 * BillingKeyClient (3 KB minified: registration and key deletion); `@portone/server-sdk/payment`
 * PaymentClient (16 KB more: every payment API) is handed in as `payments` by the one wiring
 * that charges (functions/wiring/charging-gateways.ts), so checkout, sign-up and the stop
 * worker do not carry it.
 *
 * Documented facts this client relies on (developers.portone.io/api/rest-v2, and
 * the SDK's own generated client and types, @portone/server-sdk 0.19
 * dist/generated/payment/{client,billingKey/client}.mjs):
 * - Auth: `Authorization: PortOne {apiSecret}` (the SDK sets it); host https://api.portone.io.
 * - storeId: the SDK puts the client's storeId into POST bodies only; GET and
 *   DELETE take it as a `storeId` query parameter only when passed per call —
 *   so every call here passes it, and PortOne answers for the shop's own store.
 * - Registration: the storefront's browser SDK `requestIssueBillingKey({storeId,
 *   channelKey, billingKeyMethod: 'CARD', issueId, customer})` hands back a
 *   `billingKey`, posted to our checkout as authKey. We read it with
 *   `getBillingKeyInfo` (GET /billing-keys/{billingKey}): status ISSUED, and
 *   `methods[].card` {issuer, brand, number, type} for the masked card and S16;
 *   its `customer.id` must be the buyer's customerKey (the window passes it as
 *   customer.customerId) and its `issueId` our `reg-{subscriptionId}`, binding
 *   the key to the buyer and the subscription it was issued for.
 * - Charge: `payWithBillingKey` (POST /payments/{paymentId}/billing-key) with
 *   paymentId = OUR order id: PortOne refuses a second payment of a paid id
 *   (ALREADY_PAID), so a repeat can never charge twice. Answer `{payment: {pgTxId, paidAt}}`.
 *   Errors: the SDK throws its typed errors (PaymentError, BillingKeyError: RestErrors whose
 *   `data` is PortOne's answer `{type, message}`); PG_PROVIDER carries the card company's
 *   `pgCode`/`pgMessage` (a decline, classified by declines.ts); BILLING_KEY_ALREADY_DELETED /
 *   BILLING_KEY_NOT_FOUND / MAX_TRANSACTION_COUNT_REACHED / INVALID_REQUEST are
 *   declines too; UNAUTHORIZED / FORBIDDEN / CHANNEL_NOT_FOUND are our contract.
 * - Lookup: `getPayment` (GET /payments/{paymentId}) → status PAID | FAILED |
 *   CANCELLED | …; PAYMENT_NOT_FOUND when none.
 * - Delete: `deleteBillingKey` (DELETE /billing-keys/{billingKey});
 *   BILLING_KEY_ALREADY_DELETED / BILLING_KEY_NOT_FOUND mean already gone.
 * - S16: PortOne reports `card.issuer` (발급사 코드) only for a card issued by a
 *   company it knows; our reading, NOT confirmed in the corpus: an international
 *   brand (VISA, MASTER, AMEX, JCB, DINERS, UNIONPAY) with no issuer, or an
 *   issuer code naming an overseas issuer, is a foreign card. A card whose brand
 *   is LOCAL is always domestic.
 * The SDK's fetch has no deadline: a call still running after `timeoutMs` is
 * given up on (UNKNOWN for a charge, looked up by paymentId next run).
 */
import { PaymentError, type PaymentClient } from '@portone/server-sdk/payment';
import { BillingKeyClient, BillingKeyError } from '@portone/server-sdk/payment/billingKey';
import { logger } from '../../core/logger.ts';
import { declined } from './declines.ts';
import { isRecord, lastFour, text } from './http-json.ts';
import { GatewayRefusal, type BillingKeyGateway, type CardFacts, type ChargeOutcome, type ChargingGateway, type LookupOutcome, type PaymentGateway } from './payment-gateway.ts';
import { registrationWindow } from './registration-windows.ts';

export interface PortOneOptions {
  /** The gateway behind PortOne: inicis, kcp or ksnet (the window's `gateway`, the logs). */
  readonly gateway: string;
  readonly storeId: string;
  readonly apiSecret: string;
  readonly channelKey: string;
  /** @default https://api.portone.io */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
}

const INTERNATIONAL_BRANDS = new Set(['VISA', 'MASTER', 'AMEX', 'JCB', 'DINERS', 'UNIONPAY']);
const MERCHANT_ERRORS = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'CHANNEL_NOT_FOUND']);
const GONE = new Set(['BILLING_KEY_ALREADY_DELETED', 'BILLING_KEY_NOT_FOUND']);

/**
 * The PortOne error's `type` and PG codes, from the SDK's typed error (its `data` is the answer body): PaymentError
 * from the payment client, BillingKeyError from the billing-key client (each part checks its own client's).
 */
function portOneError(error: unknown, kind: typeof PaymentError | typeof BillingKeyError): { type: string; message: string; pgCode?: string } | undefined {
  if (!(error instanceof kind) || !isRecord(error.data)) return undefined;
  const data: Record<string, unknown> = error.data;
  const type = text(data.type);
  if (!type) return undefined;
  return { type, message: text(data.pgMessage) ?? text(data.message) ?? type, ...(text(data.pgCode) ? { pgCode: text(data.pgCode)! } : {}) };
}

/** Races an SDK call against the deadline (the SDK's fetch has none); 'timeout' when it did not answer in time. */
async function bounded<T>(timeoutMs: number, run: () => Promise<T>): Promise<{ ok: T } | { error: unknown } | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    return await Promise.race([run().then((ok) => ({ ok }), (error: unknown) => ({ error })), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

const clientInit = (options: PortOneOptions) => ({ secret: options.apiSecret, storeId: options.storeId, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) });

/**
 * Both parts of the adapter (the contract tests); a function wires only the part it calls (adapter-families.ts).
 * `payments` is the SDK's PaymentClient (`@portone/server-sdk/payment`), handed in so that only the charging
 * functions bundle it (functions/wiring/charging-gateways.ts).
 */
export function portOneGateway(options: PortOneOptions, payments: typeof PaymentClient): PaymentGateway {
  return { ...portOneBillingKeys(options), ...portOneCharging(options, payments) };
}

/** Charging with the billing key (payWithBillingKey, paymentId = our order id) and the lookup (getPayment). */
export function portOneCharging(options: PortOneOptions, paymentClient: typeof PaymentClient): ChargingGateway {
  const client = paymentClient(clientInit(options));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const name = options.gateway;
  const bound = <T>(run: () => Promise<T>) => bounded(timeoutMs, run);

  function outcomeOfPayment(payment: unknown, orderId: string): ChargeOutcome {
    if (!isRecord(payment) || payment.id !== orderId) return { status: 'UNKNOWN', message: 'PortOne answered with a payment we cannot read for this order.' };
    if (payment.status === 'PAID') {
      const amount = isRecord(payment.amount) ? payment.amount.total : undefined;
      const paidAt = text(payment.paidAt);
      if (typeof amount === 'number' && paidAt) return { status: 'PAID', paymentKey: text(payment.pgTxId) ?? orderId, amount, approvedAt: paidAt };
      return { status: 'UNKNOWN', message: 'PortOne reports the payment PAID without its amount or time.' };
    }
    if (payment.status === 'FAILED') {
      const failure = isRecord(payment.failure) ? payment.failure : {};
      const pgCode = text(failure.pgCode);
      return declined('portone', pgCode ?? 'PAYMENT_FAILED', text(failure.pgMessage) ?? text(failure.reason) ?? 'The payment failed.', pgCode ? 'PG_PROVIDER' : 'PAYMENT_FAILED');
    }
    if (payment.status === 'CANCELLED' || payment.status === 'PARTIAL_CANCELLED') return declined('portone', `PAYMENT_${payment.status}`, `The payment is ${payment.status}.`);
    return { status: 'UNKNOWN', message: `The payment is ${typeof payment.status === 'string' ? payment.status : 'in an unreadable state'}.` };
  }

  async function findChargeByOrderId(orderId: string): Promise<LookupOutcome> {
    const result = await bound(() => client.getPayment({ paymentId: orderId, storeId: options.storeId }));
    if (result === 'timeout') return { status: 'UNKNOWN', message: 'PortOne did not answer the lookup in time.' };
    if ('ok' in result) return outcomeOfPayment(result.ok, orderId);
    const error = portOneError(result.error, PaymentError);
    if (error?.type === 'PAYMENT_NOT_FOUND') return { status: 'NOT_FOUND' };
    return { status: 'UNKNOWN', message: `PortOne could not look the order up (${error?.type ?? 'no answer'}).` };
  }

  return {
    name,
    supportsLookup: true,
    findChargeByOrderId,

    async charge(request) {
      const { orderId } = request;
      const result = await bound(() =>
        client.payWithBillingKey({
          paymentId: orderId,
          billingKey: request.billingKey,
          channelKey: options.channelKey,
          orderName: request.orderName,
          amount: { total: request.amount },
          currency: 'KRW',
          customer: { id: request.customerKey, ...(request.customerEmail ? { email: request.customerEmail } : {}) },
        }),
      );
      if (result === 'timeout') {
        logger.warn('portone charge did not answer in time', { gateway: name, orderId });
        return { status: 'UNKNOWN', message: 'PortOne did not answer the charge in time; look the payment up before anything else.' };
      }
      if ('ok' in result) {
        const payment = result.ok.payment;
        return { status: 'PAID', paymentKey: payment.pgTxId || orderId, amount: request.amount, approvedAt: payment.paidAt };
      }
      const error = portOneError(result.error, PaymentError);
      if (!error) return { status: 'UNKNOWN', message: 'PortOne answered the charge without a verdict; look the payment up.' };
      if (error.type === 'ALREADY_PAID') {
        const found = await findChargeByOrderId(orderId);
        return found.status === 'NOT_FOUND' ? { status: 'UNKNOWN', message: 'PortOne said ALREADY_PAID but has no such payment.' } : found;
      }
      if (error.type === 'PG_PROVIDER') {
        logger.info('portone charge declined by the PG', { gateway: name, orderId, code: error.pgCode });
        return declined('portone', error.pgCode ?? 'PG_PROVIDER', error.message, 'PG_PROVIDER');
      }
      if (GONE.has(error.type) || error.type === 'INVALID_REQUEST' || error.type === 'MAX_TRANSACTION_COUNT_REACHED') return declined('portone', error.type, error.message);
      if (MERCHANT_ERRORS.has(error.type)) logger.error('portone refused our merchant credentials or channel', { gateway: name, orderId, type: error.type });
      return { status: 'UNKNOWN', message: `PortOne answered ${error.type}; look the payment up before anything else.` };
    },
  };
}

/** The registration window (PortOne's browser SDK), the issued key's facts (getBillingKeyInfo), and its deletion. */
export function portOneBillingKeys(options: PortOneOptions): BillingKeyGateway {
  const billingKeys = BillingKeyClient(clientInit(options));
  const timeoutMs = options.timeoutMs ?? 30_000;
  const name = options.gateway;
  const bound = <T>(run: () => Promise<T>) => bounded(timeoutMs, run);

  return {
    name,

    async openRegistration(request) {
      if (request.method !== 'card') throw new Error(`${name} registers cards only`);
      return { window: registrationWindow('portone', name, { storeId: options.storeId, channelKey: options.channelKey }, request) };
    },

    async issueBillingKey({ authKey, customerKey, subscriptionId }) {
      const result = await bound(() => billingKeys.getBillingKeyInfo({ billingKey: authKey, storeId: options.storeId }));
      if (result === 'timeout') throw new Error('PortOne did not answer the billing-key lookup in time');
      if ('error' in result) {
        const error = portOneError(result.error, BillingKeyError);
        if (!error) throw new Error('PortOne answered the billing-key lookup without an error type');
        if (MERCHANT_ERRORS.has(error.type)) logger.error('portone refused our merchant credentials', { gateway: name, type: error.type });
        throw new GatewayRefusal(error.type, error.message);
      }
      const info = result.ok as unknown as Record<string, unknown>;
      if (info.status !== 'ISSUED') throw new GatewayRefusal('BILLING_KEY_NOT_ISSUED', `The billing key is ${String(info.status)}.`);
      const customerId = isRecord(info.customer) ? text(info.customer.id) : undefined;
      if (customerId !== customerKey) throw new GatewayRefusal('CUSTOMER_MISMATCH', 'This billing key was issued to another customer.');
      if (subscriptionId !== undefined && info.issueId !== undefined && info.issueId !== `reg-${subscriptionId}`) throw new GatewayRefusal('ORDER_MISMATCH', 'This billing key was issued for another subscription.');
      const method = Array.isArray(info.methods) ? info.methods.find((entry) => isRecord(entry) && entry.type === 'BillingKeyPaymentMethodCard') : undefined;
      const card: Record<string, unknown> = isRecord(method) && isRecord(method.card) ? method.card : {};
      const brand = text(card.brand);
      const issuer = text(card.issuer);
      const foreign = brand !== 'LOCAL' && ((brand !== undefined && INTERNATIONAL_BRANDS.has(brand) && issuer === undefined) || (issuer !== undefined && /FOREIGN|OVERSEAS/i.test(issuer)));
      const facts: CardFacts = {
        method: 'card',
        issuer: text(card.name) ?? issuer ?? brand ?? '알 수 없음',
        last4: lastFour(text(card.number)),
        cardType: card.type === 'CREDIT' ? 'credit' : card.type === 'DEBIT' ? 'check' : card.type === 'GIFT' ? 'gift' : 'unknown',
        foreign,
      };
      return { billingKey: authKey, card: facts };
    },

    async deleteBillingKey({ billingKey }) {
      const result = await bound(() => billingKeys.deleteBillingKey({ billingKey, storeId: options.storeId }));
      if (result === 'timeout') throw new Error('PortOne did not answer the billing-key deletion in time');
      if ('ok' in result) return;
      const error = portOneError(result.error, BillingKeyError);
      if (error && GONE.has(error.type)) return;
      throw error ? new GatewayRefusal(error.type, error.message) : new Error('PortOne answered the billing-key deletion without an error type');
    },
  };
}

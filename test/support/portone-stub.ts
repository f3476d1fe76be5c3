/**
 * A local stand-in for PortOne's V2 REST API (the part the billing flow uses),
 * which the official @portone/server-sdk itself calls when its `baseUrl` points
 * here — so the tests exercise the SDK's own requests. Sources:
 * developers.portone.io/api/rest-v2 (결제 / 빌링키), and the SDK's generated
 * client and types (@portone/server-sdk 0.19, dist/generated/payment).
 *
 * - GET    /billing-keys/{billingKey}?storeId=      → IssuedBillingKeyInfo | DeletedBillingKeyInfo
 * - POST   /payments/{paymentId}/billing-key        {storeId, billingKey, channelKey, orderName, amount: {total}, currency, customer, …}
 *                                                   → {payment: {pgTxId, paidAt}}
 * - GET    /payments/{paymentId}?storeId=           → Payment (PAID | FAILED …)
 * - DELETE /billing-keys/{billingKey}?storeId=      → {deletedAt}
 *
 * Checks:
 * - `Authorization: PortOne {apiSecret}` of a store the stub knows (401
 *   UNAUTHORIZED), and a storeId — body or query — that is that secret's store
 *   (403 FORBIDDEN). **Stricter than PortOne**: the storeId is required on
 *   every call (PortOne needs it only for sub-stores); and the User-Agent must
 *   be the server SDK's (`portone-server-sdk-js/…`), proving the SDK made the call.
 * - The body is JSON (the SDK sends it without a Content-Type, so none is
 *   required) with the SDK's fields only; billingKey, orderName, amount.total
 *   (a positive integer) and currency KRW required (400 INVALID_REQUEST);
 *   channelKey, when given, one of the store's (404 CHANNEL_NOT_FOUND).
 * - paymentId is the idempotency: a PAID one answers 409 ALREADY_PAID; a FAILED
 *   one may be paid again.
 * - Billing keys: unknown 404 BILLING_KEY_NOT_FOUND, deleted 409
 *   BILLING_KEY_ALREADY_DELETED (the SDK's error types). A declining card
 *   answers PG_PROVIDER with the PG's own pgCode/pgMessage (HTTP 502 here) and
 *   leaves a FAILED payment carrying that failure.
 */
import { randomBytes } from 'node:crypto';
import { isInteger, objectBody, pathSegments, seoulNow, startStubServer, StubRefusal, type StubReply, type StubRequest } from './pg-stub-server.ts';

export interface PortOneStore {
  readonly apiSecret: string;
  readonly storeId: string;
  readonly channelKeys: readonly string[];
}

export interface PortOneCard {
  readonly brand: 'LOCAL' | 'VISA' | 'MASTER' | 'AMEX' | 'JCB' | 'DINERS' | 'UNIONPAY';
  readonly issuer?: string;
  readonly name: string;
  /** Masked: "53611234****123*". */
  readonly number: string;
  readonly type: 'CREDIT' | 'DEBIT' | 'GIFT';
  /** What charges on this key do (default approve). */
  readonly decline?: { readonly pgCode: string; readonly pgMessage: string };
}

type Route = 'pay' | 'getPayment' | 'getBillingKey' | 'deleteBillingKey';

export interface PortOneStub {
  readonly url: string;
  readonly requests: StubRequest[];
  /** What the browser SDK's requestIssueBillingKey hands back after the buyer's card window. */
  issueBillingKey(store: PortOneStore, card: PortOneCard, customerId: string, issueId: string): string;
  injectNext(route: Route, injected: { readonly httpStatus?: number; readonly delayMs?: number }): void;
  captureCount(paymentId?: string): number;
  isBillingKeyActive(billingKey: string): boolean;
  stop(): Promise<void>;
}

const PAY_FIELDS = new Set(['storeId', 'billingKey', 'channelKey', 'orderName', 'customer', 'customData', 'amount', 'currency', 'installmentMonth', 'useFreeInterestFromMerchant', 'useCardPoint', 'cashReceipt', 'country', 'noticeUrls', 'products', 'productCount', 'productType', 'shippingAddress', 'promotionId', 'locale', 'bypass']);

const refusal = (status: number, type: string, message: string, extra: Record<string, unknown> = {}) => new StubRefusal(status, { type, message, ...extra });
const invalid = (message: string) => refusal(400, 'INVALID_REQUEST', message);

export async function startPortOneStub(stores: readonly PortOneStore[]): Promise<PortOneStub> {
  const keys = new Map<string, { storeId: string; card: PortOneCard; customerId: string; issueId: string; issuedAt: string; deletedAt?: string }>();
  const payments = new Map<string, Record<string, unknown>>();
  const captures: string[] = [];
  const injected: Record<Route, { httpStatus?: number; delayMs?: number }[]> = { pay: [], getPayment: [], getBillingKey: [], deleteBillingKey: [] };

  function authenticate(request: StubRequest, storeId: unknown): PortOneStore {
    const store = stores.find((s) => request.headers.authorization === `PortOne ${s.apiSecret}`);
    if (!store) throw refusal(401, 'UNAUTHORIZED', '인증 정보가 올바르지 않습니다.');
    if (!/^portone-server-sdk-js\//.test(request.headers['user-agent'] ?? '')) throw invalid('stub policy: calls come from @portone/server-sdk');
    if (storeId !== store.storeId) throw refusal(403, 'FORBIDDEN', '요청이 거절되었습니다. (storeId)');
    return store;
  }

  function key(store: PortOneStore, billingKey: string) {
    const found = keys.get(billingKey);
    if (!found || found.storeId !== store.storeId) throw refusal(404, 'BILLING_KEY_NOT_FOUND', '빌링키가 존재하지 않습니다.');
    return found;
  }

  function billingKeyInfo(store: PortOneStore, billingKey: string): StubReply {
    const found = key(store, billingKey);
    const { decline: _d, ...card } = found.card;
    const common = { billingKey, merchantId: 'merchant-stub', storeId: store.storeId, methods: [{ type: 'BillingKeyPaymentMethodCard', card }], channels: [], customer: { id: found.customerId }, issueId: found.issueId, issuedAt: found.issuedAt };
    return { status: 200, body: found.deletedAt ? { status: 'DELETED', ...common, deletedAt: found.deletedAt } : { status: 'ISSUED', ...common } };
  }

  function pay(store: PortOneStore, paymentId: string, body: Record<string, unknown>): StubReply {
    const { billingKey, channelKey, orderName, amount, currency, customer } = body;
    if (typeof billingKey !== 'string' || typeof orderName !== 'string' || orderName === '') throw invalid('billingKey and orderName are required.');
    if (typeof amount !== 'object' || amount === null || !isInteger((amount as { total?: unknown }).total) || (amount as { total: number }).total <= 0) throw invalid('amount.total must be a positive integer.');
    if (currency !== 'KRW') throw invalid('currency must be KRW.');
    if (customer !== undefined && (typeof customer !== 'object' || customer === null)) throw invalid('customer must be an object.');
    if (channelKey !== undefined && !store.channelKeys.includes(channelKey as string)) throw refusal(404, 'CHANNEL_NOT_FOUND', '채널이 존재하지 않습니다.');
    const found = key(store, billingKey);
    if (found.deletedAt) throw refusal(409, 'BILLING_KEY_ALREADY_DELETED', '빌링키가 이미 삭제되었습니다.');
    if (payments.get(paymentId)?.status === 'PAID') throw refusal(409, 'ALREADY_PAID', '결제가 이미 완료되었습니다.');
    const total = (amount as { total: number }).total;
    const now = seoulNow().iso;
    const base = { id: paymentId, transactionId: `tx-${randomBytes(8).toString('hex')}`, merchantId: 'merchant-stub', storeId: store.storeId, billingKey, orderName, amount: { total, taxFree: 0, discount: 0, paid: 0, cancelled: 0, cancelledTaxFree: 0 }, currency: 'KRW', customer, version: 'V2', requestedAt: now, updatedAt: now, statusChangedAt: now };
    if (found.card.decline) {
      payments.set(paymentId, { ...base, status: 'FAILED', failedAt: now, failure: { reason: found.card.decline.pgMessage, ...found.card.decline } });
      throw refusal(502, 'PG_PROVIDER', 'PG사에서 오류를 전달했습니다.', found.card.decline);
    }
    const pgTxId = `pg-${randomBytes(8).toString('hex')}`;
    payments.set(paymentId, { ...base, status: 'PAID', amount: { ...base.amount, paid: total }, paidAt: now, pgTxId });
    captures.push(paymentId);
    return { status: 200, body: { payment: { pgTxId, paidAt: now } } };
  }

  function route(request: StubRequest): StubReply {
    const segments = pathSegments(request.path, () => invalid('malformed path'));
    const body = request.method === 'POST' ? objectBody(request, PAY_FIELDS, (reason) => invalid(`The body: ${reason}.`)) : undefined;
    const store = authenticate(request, body ? body.storeId : request.query.get('storeId'));
    const [resource, id, action] = segments;
    const name: Route | undefined =
      resource === 'payments' && id && action === 'billing-key' && segments.length === 3 && request.method === 'POST'
        ? 'pay'
        : resource === 'payments' && id && segments.length === 2 && request.method === 'GET'
          ? 'getPayment'
          : resource === 'billing-keys' && id && segments.length === 2
            ? request.method === 'GET'
              ? 'getBillingKey'
              : request.method === 'DELETE'
                ? 'deleteBillingKey'
                : undefined
            : undefined;
    if (!name || !id) throw refusal(404, 'NOT_FOUND', 'Not found');
    const inject = injected[name].shift();
    if (inject?.httpStatus) throw new StubRefusal(inject.httpStatus, { type: 'INTERNAL', message: 'injected' });
    const reply = ((): StubReply => {
      switch (name) {
        case 'pay':
          return pay(store, id, body!);
        case 'getPayment': {
          const payment = payments.get(id);
          if (!payment || payment.storeId !== store.storeId) throw refusal(404, 'PAYMENT_NOT_FOUND', '결제 건이 존재하지 않습니다.');
          return { status: 200, body: payment };
        }
        case 'getBillingKey':
          return billingKeyInfo(store, id);
        case 'deleteBillingKey': {
          const found = key(store, id);
          if (found.deletedAt) throw refusal(409, 'BILLING_KEY_ALREADY_DELETED', '빌링키가 이미 삭제되었습니다.');
          found.deletedAt = seoulNow().iso;
          return { status: 200, body: { deletedAt: found.deletedAt } };
        }
      }
    })();
    return inject?.delayMs ? { ...reply, delayMs: inject.delayMs } : reply;
  }

  const server = await startStubServer(route, { status: 500, body: { type: 'INTERNAL', message: 'stub failure' } });
  return {
    url: server.url,
    requests: server.requests,
    issueBillingKey(store, card, customerId, issueId) {
      const billingKey = `billing-key-${randomBytes(12).toString('hex')}`;
      keys.set(billingKey, { storeId: store.storeId, card, customerId, issueId, issuedAt: seoulNow().iso });
      return billingKey;
    },
    injectNext(route, failure) {
      injected[route].push(failure);
    },
    captureCount: (paymentId) => (paymentId === undefined ? captures.length : captures.filter((c) => c === paymentId).length),
    isBillingKeyActive: (billingKey) => keys.has(billingKey) && !keys.get(billingKey)!.deletedAt,
    stop: server.stop,
  };
}

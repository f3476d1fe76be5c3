/**
 * A local stand-in for NICEPAY API v1 (billing) that holds clients to NICE's
 * documented contract and refuses what NICE refuses. Sources:
 * github.com/nicepayments/nicepay-manual — api/payment-subscribe.md (빌키승인,
 * 빌키삭제), api/status-transaction.md (거래조회 by tid and by orderId),
 * common/code.md (API 응답코드), common/api.md (Basic auth).
 *
 * - GET  /v1/payments/{tid}                       → the registration window's transaction (bid, orderId, card)
 * - POST /v1/subscribe/{bid}/payments             {orderId, amount, goodsName, cardQuota, useShopInterest, …}
 * - GET  /v1/payments/find/{orderId}?orderDate=YYYYMMDD
 * - POST /v1/subscribe/{bid}/expire               {orderId}
 *
 * Checks, as NICE would meet them:
 * - `Authorization: Basic base64(clientKey:secretKey)` of a merchant the stub
 *   knows: missing → 401 U102, undecodable → 401 U101, wrong → 401 U104. Every
 *   later lookup is scoped to that merchant: another merchant's bid is A124,
 *   another's transaction U107 (NICE: A122 타 상점 거래 처리 불가).
 * - POST bodies: `Content-Type: application/json`; documented fields only
 *   (**stricter than NICE**: an unknown field is refused, U125, so a misspelt
 *   optional one cannot go unnoticed); required ones present (U100); sizes in
 *   BYTES as the manual's Byte column gives them (U105): orderId 64, goodsName
 *   40, buyerEmail 60; amount a positive integer (U127); cardQuota an integer;
 *   useShopInterest false ("현재 false만 사용 가능").
 * - "결제된 orderId로 재호출 불가": a paid orderId answers U112. A failed one may be
 *   tried again (the manual forbids only paid ones).
 * - orderDate: required, exactly 8 digits (U100 / U130), and a transaction is
 *   found only under the Seoul date it was made.
 * - Credit card under 1000 KRW: status failed, 3041. Card behaviour per bid:
 *   approve, or decline with the card company's answer (3095 카드사 실패 응답,
 *   3021 유효기간 오류) as status "failed".
 * - Bids: unknown A124, expired (deleted) U115.
 * Answers are HTTP 200 with {resultCode, resultMsg, …} except authentication (401).
 */
import { randomBytes } from 'node:crypto';
import { bytes, isInteger, objectBody, pathSegments, seoulNow, startStubServer, StubRefusal, type StubReply, type StubRequest } from './pg-stub-server.ts';

export interface NiceCard {
  /** NICE card code (02 KB국민, 25 해외비자, …). */
  readonly cardCode: string;
  readonly cardName: string;
  /** Masked as NICE shows it: "536112******1234". */
  readonly cardNum: string;
  readonly cardType?: 'credit' | 'check';
  /** What charges on this card do (default approve). */
  readonly behaviour?: 'approve' | '3095' | '3021';
}

export interface NiceMerchant {
  readonly clientKey: string;
  readonly secretKey: string;
}

type Route = 'charge' | 'lookup' | 'expire' | 'inquiry';

export interface NiceInjected {
  /** Answer this resultCode (HTTP 200) instead, or an HTTP status without JSON. */
  readonly resultCode?: string;
  readonly httpStatus?: number;
  /** Charge only: take the money first (the answer is then the injected one, or late). */
  readonly captured?: boolean;
  /** Answer the real result only after this long. */
  readonly delayMs?: number;
}

export interface NiceStub {
  readonly url: string;
  readonly merchants: readonly NiceMerchant[];
  readonly requests: StubRequest[];
  /** What the buyer's cardBill window made: NICE's tid, posted to the shop's returnUrl. */
  registerCard(merchant: NiceMerchant, orderId: string, card: NiceCard): string;
  injectNext(route: Route, injected: NiceInjected): void;
  captureCount(orderId?: string): number;
  isBidActive(bid: string): boolean;
  stop(): Promise<void>;
}

interface Bid {
  readonly merchant: string;
  readonly card: NiceCard;
  active: boolean;
}
interface Transaction extends Record<string, unknown> {
  readonly merchant: string;
  readonly date: string;
}

const CHARGE_FIELDS = new Set(['orderId', 'amount', 'goodsName', 'cardQuota', 'useShopInterest', 'buyerName', 'buyerTel', 'buyerEmail', 'taxFreeAmt', 'mallReserved', 'ediDate', 'signData', 'returnCharSet']);
const EXPIRE_FIELDS = new Set(['orderId', 'ediDate', 'signData', 'returnCharSet']);

const result = (resultCode: string, resultMsg: string, extra: Record<string, unknown> = {}): StubReply => ({ status: 200, body: { resultCode, resultMsg, ...extra } });
const refuse = (resultCode: string, resultMsg: string, status = 200) => new StubRefusal(status, { resultCode, resultMsg });

export async function startNiceStub(merchants: readonly NiceMerchant[]): Promise<NiceStub> {
  const bids = new Map<string, Bid>();
  const registrations = new Map<string, Transaction & { bid: string }>();
  const transactions = new Map<string, Transaction[]>();
  const injected: Record<Route, NiceInjected[]> = { charge: [], lookup: [], expire: [], inquiry: [] };
  const captures: string[] = [];

  function authenticate(request: StubRequest): string {
    const header = request.headers.authorization;
    if (header === undefined) throw refuse('U102', '사용자 인증정보가 존재하지 않습니다.', 401);
    const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
    const decoded = match?.[1] === undefined ? '' : Buffer.from(match[1], 'base64').toString('utf8');
    if (!decoded.includes(':')) throw refuse('U101', 'BASE64 DECODE 실패', 401);
    const merchant = merchants.find((m) => decoded === `${m.clientKey}:${m.secretKey}`);
    if (!merchant) throw refuse('U104', '사용자 인증에 실패하였습니다.', 401);
    return merchant.clientKey;
  }

  function body(request: StubRequest, allowed: ReadonlySet<string>): Record<string, unknown> {
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) throw refuse('U125', '잘못된 요청 입니다. (Content-type)');
    const fields = objectBody(request, allowed, (reason) => refuse('U125', `잘못된 요청 입니다. (${reason})`));
    const orderId = fields.orderId;
    if (typeof orderId !== 'string' || orderId === '') throw refuse('U100', 'orderId 필수입력항목이 누락되었습니다.');
    if (bytes(orderId) > 64) throw refuse('U105', `필드 최대길이 초과[max:64, realLength:${bytes(orderId)}]`);
    return fields;
  }

  function liveBid(merchant: string, bid: string): Bid {
    const record = bids.get(bid);
    if (!record || record.merchant !== merchant) throw refuse('A124', '해당 BID가 존재하지 않습니다');
    if (!record.active) throw refuse('U115', '삭제 처리된 BID 입니다.');
    return record;
  }

  function injectedReply(route: Route): NiceInjected | undefined {
    const next = injected[route].shift();
    if (next?.httpStatus !== undefined) throw new StubRefusal(next.httpStatus, undefined);
    return next;
  }

  function charge(merchant: string, bid: string, request: StubRequest): StubReply {
    const fields = body(request, CHARGE_FIELDS);
    const { orderId, amount, goodsName, cardQuota, useShopInterest, buyerEmail } = fields as Record<string, unknown> & { orderId: string };
    for (const [name, value] of Object.entries({ amount, goodsName, cardQuota, useShopInterest })) if (value === undefined) throw refuse('U100', `${name} 필수입력항목이 누락되었습니다.`);
    if (!isInteger(amount) || amount <= 0) throw refuse('U127', '요청 금액이 올바르지 않습니다.');
    if (typeof goodsName !== 'string' || bytes(goodsName) > 40) throw refuse('U105', `필드 최대길이 초과[max:40, realLength:${typeof goodsName === 'string' ? bytes(goodsName) : '?'}]`);
    if (!isInteger(cardQuota) || useShopInterest !== false) throw refuse('U125', '잘못된 요청 입니다. (cardQuota / useShopInterest)');
    if (buyerEmail !== undefined && (typeof buyerEmail !== 'string' || bytes(buyerEmail) > 60)) throw refuse('U105', '필드 최대길이 초과[max:60]');
    const record = liveBid(merchant, bid);
    if ((transactions.get(orderId) ?? []).some((t) => t.merchant === merchant && t.status === 'paid')) throw refuse('U112', '이미 사용된 OrderId 입니다.');
    const inject = injectedReply('charge');
    const now = seoulNow();
    const failure = amount < 1000 ? { code: '3041', msg: '금액 오류(1000원 미만 신용카드 승인 불가)' } : record.card.behaviour === '3095' ? { code: '3095', msg: '카드사 실패 응답 (한도초과)' } : record.card.behaviour === '3021' ? { code: '3021', msg: '유효기간 오류' } : undefined;
    const transaction: Transaction = {
      merchant,
      date: now.date,
      resultCode: failure?.code ?? '0000',
      resultMsg: failure?.msg ?? '정상 처리되었습니다.',
      tid: `nictest00m0${randomBytes(10).toString('hex')}`,
      orderId,
      ediDate: now.iso,
      status: failure ? 'failed' : 'paid',
      paidAt: failure ? '0' : now.iso,
      failedAt: failure ? now.iso : '0',
      cancelledAt: '0',
      payMethod: 'card',
      amount,
      balanceAmt: failure ? 0 : amount,
      goodsName,
      useEscrow: false,
      currency: 'KRW',
      card: { cardCode: record.card.cardCode, cardName: record.card.cardName, cardNum: record.card.cardNum, cardQuota, isInterestFree: false, cardType: record.card.cardType ?? 'credit', canPartCancel: 'true', acquCardCode: record.card.cardCode, acquCardName: record.card.cardName },
    };
    if (inject?.resultCode && !inject.captured) return result(inject.resultCode, 'injected');
    transactions.set(orderId, [...(transactions.get(orderId) ?? []), transaction]);
    if (!failure) captures.push(orderId);
    const { merchant: _m, date: _d, ...answer } = transaction;
    if (inject?.resultCode) return result(inject.resultCode, 'injected');
    return { status: 200, body: answer, ...(inject?.delayMs ? { delayMs: inject.delayMs } : {}) };
  }

  function find(merchant: string, orderId: string, request: StubRequest): StubReply {
    const orderDate = request.query.get('orderDate');
    if (orderDate === null) throw refuse('U100', 'orderDate 필수입력항목이 누락되었습니다.');
    if (!/^\d{8}$/.test(orderDate)) throw refuse('U130', '허용된 Date형식이 아닙니다.');
    injectedReply('lookup');
    const found = (transactions.get(orderId) ?? []).filter((t) => t.merchant === merchant && t.date.replaceAll('-', '') === orderDate).at(-1);
    if (!found) throw refuse('U107', '거래내역이 존재 하지 않습니다.');
    const { merchant: _m, date: _d, ...answer } = found;
    return { status: 200, body: answer };
  }

  function inquiry(merchant: string, tid: string): StubReply {
    injectedReply('inquiry');
    const found = registrations.get(tid);
    if (!found || found.merchant !== merchant) throw refuse('U107', '거래내역이 존재 하지 않습니다.');
    const { merchant: _m, date: _d, ...answer } = found;
    return { status: 200, body: answer };
  }

  function expire(merchant: string, bid: string, request: StubRequest): StubReply {
    const { orderId } = body(request, EXPIRE_FIELDS);
    injectedReply('expire');
    liveBid(merchant, bid).active = false;
    return result('0000', '빌링 정보가 정상적으로 삭제되었습니다.', { tid: `nictest00m0${randomBytes(10).toString('hex')}`, orderId, bid, authDate: seoulNow().iso });
  }

  function route(request: StubRequest): StubReply {
    const merchant = authenticate(request);
    const segments = pathSegments(request.path, () => refuse('U125', '잘못된 요청 입니다. (path)'));
    const [v1, resource, id, action] = segments;
    if (v1 === 'v1' && resource === 'subscribe' && id && segments.length === 4 && request.method === 'POST') {
      if (action === 'payments') return charge(merchant, id, request);
      if (action === 'expire') return expire(merchant, id, request);
    }
    if (v1 === 'v1' && resource === 'payments' && request.method === 'GET') {
      if (id === 'find' && action && segments.length === 4) return find(merchant, action, request);
      if (id && segments.length === 3) return inquiry(merchant, id);
    }
    throw refuse('U320', '페이지를 찾을 수 없습니다.', 404);
  }

  const server = await startStubServer(route, { status: 500, body: undefined });
  return {
    url: server.url,
    merchants,
    requests: server.requests,
    registerCard(merchant, orderId, card) {
      const tid = `nictest00m0${randomBytes(10).toString('hex')}`;
      const bid = `BIKY${randomBytes(13).toString('hex')}`;
      bids.set(bid, { merchant: merchant.clientKey, card, active: true });
      const { cardCode, cardName, cardNum, cardType } = card;
      registrations.set(tid, { merchant: merchant.clientKey, date: seoulNow().date, resultCode: '0000', resultMsg: '정상 처리되었습니다.', tid, orderId, bid, status: 'paid', payMethod: 'cardBill', amount: 0, card: { cardCode, cardName, cardNum, cardType: cardType ?? 'credit' } });
      return tid;
    },
    injectNext(route, failure) {
      injected[route].push(failure);
    },
    captureCount: (orderId) => (orderId === undefined ? captures.length : captures.filter((c) => c === orderId).length),
    isBidActive: (bid) => bids.get(bid)?.active === true,
    stop: server.stop,
  };
}

/**
 * A local stand-in for KakaoPay's online payment API for subscriptions (정기결제)
 * that holds clients to its documented contract. Sources: developers.kakaopay.com
 * ("온라인 결제 > 정기 결제"), as its agent toolkit (@kakaopay-develop/agent-toolkit)
 * encodes the endpoints, and the ready request's field table (cid 10 chars,
 * partner_order_id / partner_user_id / item_name ≤ 100, integers for amounts).
 *
 * - POST /online/v1/payment/ready                         → {tid, next_redirect_pc_url, …}
 *   (the buyer then approves in KakaoPay's window: `approveInWindow(tid)` → pg_token)
 * - POST /online/v1/payment/approve                       → {sid, payment_method_type, card_info?, …}
 * - POST /online/v1/payment/subscription                  → {tid, amount.total, approved_at, …}
 * - POST /online/v1/payment/manage/subscription/inactive  → {sid, status: INACTIVE, inactivated_at}
 *
 * Checks:
 * - `Authorization: SECRET_KEY {secretKey}` of a merchant the stub knows
 *   (401), `Content-Type: application/json` (400), and the body's `cid` must be
 *   that merchant's own CID.
 * - Documented fields only (**stricter than KakaoPay**: an unknown field is
 *   refused, so a misspelt optional one cannot go unnoticed), required ones
 *   present with their types and sizes.
 * - approve: the tid of a ready of this CID, the same partner_order_id and
 *   partner_user_id as that ready, and the pg_token its window issued, once.
 * - subscription: an active sid of this CID, charged for the partner_user_id it
 *   was approved for (KakaoPay requires the first payment's user).
 * Error bodies `{error_code, error_message, extras?}`. The error codes are the
 * stub's reading of KakaoPay's table, NOT confirmed in our corpus: -401 bad
 * secret key, -403 the CID is not the key's, -702 an approval that cannot be
 * made (tid/pg_token), -780 approval failure with the card company's answer in
 * `extras.method_result_*`, -782 the sid is not usable (inactive or unknown),
 * -2 a malformed request.
 */
import { randomBytes } from 'node:crypto';
import { isInteger, objectBody, seoulNow, startStubServer, StubRefusal, type StubReply, type StubRequest } from './pg-stub-server.ts';

export interface KakaoMerchant {
  readonly secretKey: string;
  readonly cid: string;
}

export interface KakaoWindowChoice {
  readonly method: 'card' | 'money';
  /** What charges on this sid do (default approve). */
  readonly behaviour?: 'approve' | 'decline';
}

type Route = 'ready' | 'approve' | 'subscription' | 'inactive';

export interface KakaoPayStub {
  readonly url: string;
  readonly requests: StubRequest[];
  /** The buyer approves the ready's payment in KakaoPay's window; returns the pg_token on approval_url. */
  approveInWindow(tid: string, choice: KakaoWindowChoice): string;
  /** The next call to `route` answers this HTTP status without a body (after auth), or late. */
  injectNext(route: Route, injected: { readonly httpStatus?: number; readonly delayMs?: number }): void;
  captureCount(partnerOrderId?: string): number;
  isSidActive(sid: string): boolean;
  stop(): Promise<void>;
}

const READY_FIELDS = new Set(['cid', 'cid_secret', 'partner_order_id', 'partner_user_id', 'item_name', 'item_code', 'quantity', 'total_amount', 'tax_free_amount', 'vat_amount', 'green_deposit', 'approval_url', 'cancel_url', 'fail_url', 'available_cards', 'payment_method_type', 'install_month', 'use_share_installment', 'custom_json']);
const APPROVE_FIELDS = new Set(['cid', 'cid_secret', 'tid', 'partner_order_id', 'partner_user_id', 'pg_token', 'payload', 'total_amount']);
const SUBSCRIPTION_FIELDS = new Set(['cid', 'cid_secret', 'sid', 'partner_order_id', 'partner_user_id', 'item_name', 'item_code', 'quantity', 'total_amount', 'tax_free_amount', 'vat_amount', 'green_deposit', 'payload']);
const INACTIVE_FIELDS = new Set(['cid', 'cid_secret', 'sid']);

const error = (status: number, code: number, message: string, extras?: Record<string, unknown>) => new StubRefusal(status, { error_code: code, error_message: message, ...(extras ? { extras } : {}) });
const malformed = (reason: string) => error(400, -2, `invalid request: ${reason}`);

/** KakaoPay gives sizes in characters (자). */
function text(fields: Record<string, unknown>, name: string, maxChars = 100): string {
  const value = fields[name];
  if (typeof value !== 'string' || value === '' || [...value].length > maxChars) throw malformed(`${name} must be a string of at most ${maxChars} characters`);
  return value;
}
function integer(fields: Record<string, unknown>, name: string, min = 0): number {
  const value = fields[name];
  if (!isInteger(value) || value < min) throw malformed(`${name} must be an integer ≥ ${min}`);
  return value;
}

export async function startKakaoPayStub(merchants: readonly KakaoMerchant[]): Promise<KakaoPayStub> {
  const readies = new Map<string, { cid: string; orderId: string; userId: string; amount: number; token?: string; choice?: KakaoWindowChoice; approved?: boolean }>();
  const sids = new Map<string, { cid: string; userId: string; choice: KakaoWindowChoice; active: boolean; created: string; inactivated?: string }>();
  const captures: string[] = [];
  const injected: Record<Route, { httpStatus?: number; delayMs?: number }[]> = { ready: [], approve: [], subscription: [], inactive: [] };

  function authenticate(request: StubRequest): KakaoMerchant {
    const match = /^SECRET_KEY (\S+)$/.exec(request.headers.authorization ?? '');
    const merchant = merchants.find((m) => m.secretKey === match?.[1]);
    if (!merchant) throw error(401, -401, 'invalid secret key');
    if (!/^application\/json\b/i.test(request.headers['content-type'] ?? '')) throw malformed('Content-Type must be application/json');
    return merchant;
  }

  function fieldsOf(request: StubRequest, merchant: KakaoMerchant, allowed: ReadonlySet<string>): Record<string, unknown> {
    const fields = objectBody(request, allowed, malformed);
    if (text(fields, 'cid', 10) !== merchant.cid) throw error(403, -403, 'cid is not allowed for this secret key');
    return fields;
  }

  function ready(fields: Record<string, unknown>): StubReply {
    for (const url of ['approval_url', 'cancel_url', 'fail_url']) if (!/^https?:\/\//.test(text(fields, url, 255))) throw malformed(`${url} must be a URL`);
    text(fields, 'item_name');
    integer(fields, 'quantity', 1);
    integer(fields, 'tax_free_amount');
    const tid = `T${randomBytes(9).toString('hex')}`;
    readies.set(tid, { cid: fields.cid as string, orderId: text(fields, 'partner_order_id'), userId: text(fields, 'partner_user_id'), amount: integer(fields, 'total_amount') });
    return { status: 200, body: { tid, tms_result: false, created_at: seoulNow().iso.slice(0, 19), next_redirect_pc_url: `https://online-pay.kakao.com/mockup/v1/${tid}/info`, next_redirect_mobile_url: `https://online-pay.kakao.com/mockup/v1/${tid}/mInfo`, next_redirect_app_url: `https://online-pay.kakao.com/mockup/v1/${tid}/aInfo` } };
  }

  function approve(fields: Record<string, unknown>): StubReply {
    const found = readies.get(text(fields, 'tid', 20));
    if (!found || found.cid !== fields.cid || found.orderId !== text(fields, 'partner_order_id') || found.userId !== text(fields, 'partner_user_id')) throw error(400, -702, 'the payment request does not match its ready');
    if (!found.token || found.token !== text(fields, 'pg_token', 40) || found.approved || !found.choice) throw error(400, -702, 'pg_token is not valid for this tid');
    found.approved = true;
    const sid = `S${randomBytes(9).toString('hex')}`;
    const now = seoulNow().iso.slice(0, 19);
    sids.set(sid, { cid: found.cid, userId: found.userId, choice: found.choice, active: true, created: now });
    const card = found.choice.method === 'card' ? { card_info: { kakaopay_purchase_corp: '신한카드', kakaopay_purchase_corp_code: '04', kakaopay_issuer_corp: '신한카드', kakaopay_issuer_corp_code: '04', bin: '455437', card_type: '체크', install_month: '00', approved_id: '12345678', card_mid: '123456789', interest_free_install: 'N', card_item_code: '' } } : {};
    return { status: 200, body: { aid: `A${randomBytes(9).toString('hex')}`, tid: fields.tid, cid: found.cid, sid, partner_order_id: found.orderId, partner_user_id: found.userId, payment_method_type: found.choice.method === 'card' ? 'CARD' : 'MONEY', amount: { total: found.amount, tax_free: 0, vat: 0, point: 0, discount: 0 }, ...card, item_name: 'registration', quantity: 1, created_at: now, approved_at: now } };
  }

  function subscription(fields: Record<string, unknown>): StubReply {
    const sid = sids.get(text(fields, 'sid', 20));
    if (!sid || sid.cid !== fields.cid || !sid.active) throw error(400, -782, 'SID is not valid or inactive');
    const userId = text(fields, 'partner_user_id');
    if (userId !== sid.userId) throw error(400, -782, 'partner_user_id does not match the first payment');
    const orderId = text(fields, 'partner_order_id');
    text(fields, 'item_name');
    integer(fields, 'quantity', 1);
    integer(fields, 'tax_free_amount');
    const total = integer(fields, 'total_amount', 1);
    if ((sid.choice.behaviour ?? 'approve') === 'decline') throw error(400, -780, 'approval failure!', { method_result_code: '8000', method_result_message: '한도초과' });
    captures.push(orderId);
    const now = seoulNow().iso.slice(0, 19);
    return { status: 200, body: { aid: `A${randomBytes(9).toString('hex')}`, tid: `T${randomBytes(9).toString('hex')}`, cid: sid.cid, sid: fields.sid, partner_order_id: orderId, partner_user_id: userId, payment_method_type: sid.choice.method === 'card' ? 'CARD' : 'MONEY', amount: { total, tax_free: 0, vat: Math.round(total / 11), point: 0, discount: 0 }, item_name: fields.item_name, quantity: fields.quantity, created_at: now, approved_at: now } };
  }

  function inactive(fields: Record<string, unknown>): StubReply {
    const sid = sids.get(text(fields, 'sid', 20));
    if (!sid || sid.cid !== fields.cid || !sid.active) throw error(400, -782, 'SID is not valid or already inactive');
    sid.active = false;
    sid.inactivated = seoulNow().iso.slice(0, 19);
    return { status: 200, body: { cid: sid.cid, sid: fields.sid, status: 'INACTIVE', created_at: sid.created, inactivated_at: sid.inactivated } };
  }

  const ROUTES: Record<string, [Route, ReadonlySet<string>, (fields: Record<string, unknown>) => StubReply]> = {
    '/online/v1/payment/ready': ['ready', READY_FIELDS, ready],
    '/online/v1/payment/approve': ['approve', APPROVE_FIELDS, approve],
    '/online/v1/payment/subscription': ['subscription', SUBSCRIPTION_FIELDS, subscription],
    '/online/v1/payment/manage/subscription/inactive': ['inactive', INACTIVE_FIELDS, inactive],
  };

  function route(request: StubRequest): StubReply {
    const entry = request.method === 'POST' ? ROUTES[request.path] : undefined;
    if (!entry) throw error(404, -1, 'not found');
    const merchant = authenticate(request);
    const [name, allowed, run] = entry;
    const fields = fieldsOf(request, merchant, allowed);
    const inject = injected[name].shift();
    if (inject?.httpStatus) throw new StubRefusal(inject.httpStatus, undefined);
    const reply = run(fields);
    return inject?.delayMs ? { ...reply, delayMs: inject.delayMs } : reply;
  }

  const server = await startStubServer(route, { status: 500, body: { error_code: -9798, error_message: 'internal error' } });
  return {
    url: server.url,
    requests: server.requests,
    approveInWindow(tid, choice) {
      const found = readies.get(tid);
      if (!found) throw new Error(`no ready for ${tid}`);
      found.token = randomBytes(10).toString('hex');
      found.choice = choice;
      return found.token;
    },
    injectNext(route, failure) {
      injected[route].push(failure);
    },
    captureCount: (orderId) => (orderId === undefined ? captures.length : captures.filter((c) => c === orderId).length),
    isSidActive: (sid) => sids.get(sid)?.active === true,
    stop: server.stop,
  };
}

/**
 * The sandbox PG adapter: the payment-gateway port over the sandbox PG that
 * the local runtime serves under /_local/sandbox-pg/ (local/sandbox-pg.ts).
 * It talks to it over HTTP as it would to a real PG, so timeouts, 5xx and
 * refusals take the same paths they take with a real one. Locally
 * (PG_SANDBOX=true) every gateway is served by it, built by the registry from
 * the shop's own contract like the real adapter would be, and opening the
 * registration window in that gateway's shape (registration-windows.ts):
 * Toss's authKey, KakaoPay's ready → pg_token, PortOne's billing key, NICE's tid.
 * Every request names the shop's contract by its fingerprint (`x-sandbox-merchant`),
 * as a real PG knows the merchant from its keys.
 */
import { gatewayDefinition, SANDBOX_PG_PATHS, type AdapterFamily, type GatewayId } from '../../../system/payment-gateways.ts';
import { declined } from './declines.ts';
import { isRecord } from './http-json.ts';
import { GatewayRefusal, type CardFacts, type ChargeOutcome, type IssuedBillingKey, type LiveBillingKey, type LookupOutcome, type PaymentGateway } from './payment-gateway.ts';
import { registrationWindow, type KakaoPayReady, type PublicContract } from './registration-windows.ts';

export interface SandboxGatewayOptions {
  /** The local runtime's base URL (SANDBOX_PG_URL), e.g. `http://127.0.0.1:3000`. */
  readonly baseUrl: string;
  /** The gateway it stands in for: its window shape and lookup support. @default 'tosspayments' */
  readonly gateway?: GatewayId;
  /** The shop's contract: its public part (for the window) and fingerprint (the sandbox's merchant id). */
  readonly contract?: PublicContract & { readonly fingerprint?: string };
  /** How long one call may take before its outcome counts as unknown. @default 5000 */
  readonly timeoutMs?: number;
}

export const SANDBOX_DEFAULT_TIMEOUT_MS = 5_000;

// The sandbox PG's answers, read field by field (as the other adapters read their PG's, http-json.ts):
// no schema library in the functions that charge (issue 12: every bundle under 150 KB).
const isText = (value: unknown): value is string => typeof value === 'string';
const filled = (value: unknown): value is string => typeof value === 'string' && value !== '';
const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): value is T => typeof value === 'string' && (allowed as readonly string[]).includes(value);

function cardFactsOf(value: unknown): CardFacts | undefined {
  if (!isRecord(value)) return undefined;
  const { method, issuer, last4, cardType, foreign, kakaoPayMethod } = value;
  if (!oneOf(method, ['card', 'kakaopay'] as const) || !isText(issuer) || !(last4 === null || isText(last4)) || !oneOf(cardType, ['credit', 'check', 'gift', 'unknown'] as const) || typeof foreign !== 'boolean') return undefined;
  if (kakaoPayMethod !== undefined && !oneOf(kakaoPayMethod, ['card', 'money'] as const)) return undefined;
  const { expiry } = value;
  const whole = (n: unknown, min: number, max: number): n is number => typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max;
  if (expiry !== undefined && !(isRecord(expiry) && whole(expiry.year, 2000, 2199) && whole(expiry.month, 1, 12))) return undefined;
  return {
    method,
    issuer,
    last4,
    cardType,
    foreign,
    ...(kakaoPayMethod !== undefined ? { kakaoPayMethod } : {}),
    ...(isRecord(expiry) ? { expiry: { year: expiry.year as number, month: expiry.month as number } } : {}),
  };
}

function issuedOf(body: unknown): IssuedBillingKey | undefined {
  const card = isRecord(body) ? cardFactsOf(body.card) : undefined;
  return isRecord(body) && filled(body.billingKey) && card ? { billingKey: body.billingKey, card } : undefined;
}

interface SandboxPayment {
  readonly paymentKey: string;
  readonly status: 'DONE' | 'ABORTED';
  readonly amount: number;
  readonly approvedAt: string | null;
  readonly failure: { readonly code: string; readonly message: string } | null;
}

function paymentOf(body: unknown): SandboxPayment | undefined {
  if (!isRecord(body)) return undefined;
  const { paymentKey, orderId, status, amount, approvedAt, failure } = body;
  if (!filled(paymentKey) || !isText(orderId) || !oneOf(status, ['DONE', 'ABORTED'] as const) || typeof amount !== 'number' || !(approvedAt === null || isText(approvedAt))) return undefined;
  if (failure !== null && !(isRecord(failure) && isText(failure.code) && isText(failure.message))) return undefined;
  return { paymentKey, status, amount, approvedAt, failure: failure === null ? null : { code: failure.code as string, message: failure.message as string } };
}

function liveKeysOf(body: unknown): LiveBillingKey[] | undefined {
  if (!isRecord(body) || !Array.isArray(body.items)) return undefined;
  const items = body.items.map((item: unknown) =>
    isRecord(item) && filled(item.billingKey) && oneOf(item.method, ['card', 'kakaopay'] as const) && isText(item.issuedAt) ? { billingKey: item.billingKey, method: item.method, issuedAt: item.issuedAt } : undefined,
  );
  return items.every((item) => item !== undefined) ? (items as LiveBillingKey[]) : undefined;
}

function refusalOfBody(body: unknown): { code: string; message: string } | undefined {
  const error = isRecord(body) ? body.error : undefined;
  return isRecord(error) && isText(error.code) && isText(error.message) ? { code: error.code, message: error.message } : undefined;
}

function readyOf(body: unknown): KakaoPayReady | undefined {
  if (!isRecord(body) || !filled(body.tid) || !isText(body.nextRedirectPcUrl) || !(body.nextRedirectMobileUrl === undefined || isText(body.nextRedirectMobileUrl))) return undefined;
  return { tid: body.tid, nextRedirectPcUrl: body.nextRedirectPcUrl, ...(body.nextRedirectMobileUrl !== undefined ? { nextRedirectMobileUrl: body.nextRedirectMobileUrl } : {}) };
}

/** What came back: an HTTP answer with its parsed body, or none (timeout, network). */
type Reply = { readonly answered: true; readonly status: number; readonly body: unknown } | { readonly answered: false; readonly reason: string };

/** The port over the sandbox PG. */
export function sandboxGateway(options: SandboxGatewayOptions): PaymentGateway {
  const timeoutMs = options.timeoutMs ?? SANDBOX_DEFAULT_TIMEOUT_MS;
  const gateway: GatewayId = options.gateway ?? 'tosspayments';
  const definition = gatewayDefinition(gateway);
  const family: AdapterFamily = definition.adapter ?? 'tosspayments';
  const merchant = options.contract?.fingerprint ? { 'x-sandbox-merchant': options.contract.fingerprint } : {};

  const call = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Reply> => {
    try {
      const response = await fetch(new URL(path, options.baseUrl), {
        method,
        headers: body === undefined ? { ...merchant } : { 'content-type': 'application/json', ...merchant },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      return { answered: true, status: response.status, body: parsed };
    } catch (error) {
      const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
      return { answered: false, reason: timedOut ? `no answer within ${timeoutMs} ms` : `unreachable (${(error as Error).message})` };
    }
  };

  /** The PG's own refusal (a 4xx with its code), if that is what the reply is. */
  const refusalOf = (reply: Reply): { code: string; message: string } | null => {
    if (!reply.answered || reply.status < 400 || reply.status >= 500) return null;
    return refusalOfBody(reply.body) ?? { code: `HTTP_${reply.status}`, message: 'The sandbox PG refused the request.' };
  };

  const unexpected = (reply: Reply): string => (reply.answered ? `unexpected answer (HTTP ${reply.status})` : reply.reason);

  const toOutcome = (answer: SandboxPayment): ChargeOutcome =>
    answer.status === 'DONE' && answer.approvedAt
      ? { status: 'PAID', paymentKey: answer.paymentKey, amount: answer.amount, approvedAt: answer.approvedAt }
      : declined('sandbox', answer.failure?.code ?? 'DECLINED', answer.failure?.message ?? 'The card company declined the payment.');

  return {
    name: `sandbox:${gateway}`,
    supportsLookup: definition.supportsLookup,

    async openRegistration(request) {
      const sandbox = { authorizeUrl: SANDBOX_PG_PATHS.authorize, subscriptionId: request.subscriptionId, method: request.method };
      if (family !== 'kakaopay') return { window: { ...registrationWindow(family, gateway, options.contract ?? {}, request), sandbox } };
      // KakaoPay's shape: a server-side "ready" first; its tid is kept until the buyer's pg_token comes back.
      const reply = await call('POST', SANDBOX_PG_PATHS.ready, { subscriptionId: request.subscriptionId, customerKey: request.customerKey, itemName: request.itemName });
      const refused = refusalOf(reply);
      if (refused) throw new GatewayRefusal(refused.code, refused.message);
      const ready = reply.answered && reply.status === 200 ? readyOf(reply.body) : undefined;
      if (!ready) throw new Error(`Sandbox PG did not answer the ready: ${unexpected(reply)}`);
      return { window: { ...registrationWindow(family, gateway, options.contract ?? {}, request, ready), sandbox }, session: ready.tid };
    },

    async issueBillingKey({ authKey, customerKey, session }): Promise<IssuedBillingKey> {
      // KakaoPay's approve names its ready's tid (kept as the signup's session); the sandbox checks it.
      const tid = family === 'kakaopay' && session !== undefined ? { tid: session } : {};
      const reply = await call('POST', SANDBOX_PG_PATHS.issueBillingKey, { authKey, customerKey, ...tid });
      const refused = refusalOf(reply);
      if (refused) throw new GatewayRefusal(refused.code, refused.message);
      const answer = reply.answered && reply.status === 200 ? issuedOf(reply.body) : undefined;
      if (!answer) throw new Error(`Sandbox PG did not issue a billing key: ${unexpected(reply)}`);
      return answer;
    },

    async charge(request): Promise<ChargeOutcome> {
      const reply = await call('POST', SANDBOX_PG_PATHS.charges, {
        billingKey: request.billingKey,
        customerKey: request.customerKey,
        amount: request.amount,
        orderId: request.orderId,
        orderName: request.orderName,
        idempotencyKey: request.idempotencyKey,
        customerEmail: request.customerEmail,
      });
      const refused = refusalOf(reply);
      // The order was already paid (under another idempotency key): not a decline — the money
      // may well be ours already. UNKNOWN sends the caller to the lookup, which says PAID.
      if (refused?.code === 'DUPLICATED_ORDER_ID') return { status: 'UNKNOWN', message: `${refused.code}: ${refused.message}` };
      if (refused) return declined('sandbox', refused.code, refused.message);
      const answer = reply.answered && reply.status === 200 ? paymentOf(reply.body) : undefined;
      if (!answer) return { status: 'UNKNOWN', message: `Sandbox PG charge: ${unexpected(reply)}` };
      return toOutcome(answer);
    },

    async findChargeByOrderId(orderId): Promise<LookupOutcome> {
      const reply = await call('GET', `${SANDBOX_PG_PATHS.charges}?${new URLSearchParams({ orderId })}`);
      // Only the PG's own "no such payment" means NOT_FOUND; any other 404 (a wrong URL) is not knowledge.
      if (refusalOf(reply)?.code === 'NOT_FOUND_PAYMENT') return { status: 'NOT_FOUND' };
      const answer = reply.answered && reply.status === 200 ? paymentOf(reply.body) : undefined;
      if (!answer) return { status: 'UNKNOWN', message: `Sandbox PG lookup: ${unexpected(reply)}` };
      return toOutcome(answer);
    },

    async listBillingKeys(customerKey): Promise<LiveBillingKey[]> {
      const reply = await call('POST', SANDBOX_PG_PATHS.listBillingKeys, { customerKey });
      const answer = reply.answered && reply.status === 200 ? liveKeysOf(reply.body) : undefined;
      if (!answer) throw new Error(`Sandbox PG did not list the billing keys: ${unexpected(reply)}`);
      return answer;
    },

    async deleteBillingKey({ billingKey, customerKey }): Promise<void> {
      const reply = await call('POST', SANDBOX_PG_PATHS.deleteBillingKey, { billingKey, customerKey });
      const refused = refusalOf(reply);
      if (refused) throw new GatewayRefusal(refused.code, refused.message);
      if (!reply.answered || reply.status !== 200) throw new Error(`Sandbox PG did not delete the billing key: ${unexpected(reply)}`);
    },
  };
}

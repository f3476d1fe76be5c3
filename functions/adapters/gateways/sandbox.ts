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
import { z } from 'zod';
import { gatewayDefinition, SANDBOX_PG_PATHS, type AdapterFamily, type GatewayId } from '../../../system/payment-gateways.ts';
import { declined } from './declines.ts';
import { GatewayRefusal, type ChargeOutcome, type IssuedBillingKey, type LiveBillingKey, type LookupOutcome, type PaymentGateway } from './payment-gateway.ts';
import { registrationWindow, type PublicContract } from './registration-windows.ts';

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

const cardFacts = z.object({
  method: z.enum(['card', 'kakaopay']),
  issuer: z.string(),
  last4: z.string().nullable(),
  cardType: z.enum(['credit', 'check', 'gift', 'unknown']),
  foreign: z.boolean(),
  kakaoPayMethod: z.enum(['card', 'money']).optional(),
  expiry: z.object({ year: z.number().int().min(2000).max(2199), month: z.number().int().min(1).max(12) }).optional(),
});

const issued = z.object({ billingKey: z.string().min(1), card: cardFacts });

const payment = z.object({
  paymentKey: z.string().min(1),
  orderId: z.string(),
  status: z.enum(['DONE', 'ABORTED']),
  amount: z.number(),
  approvedAt: z.string().nullable(),
  failure: z.object({ code: z.string(), message: z.string() }).nullable(),
});

const liveKeys = z.object({ items: z.array(z.object({ billingKey: z.string().min(1), method: z.enum(['card', 'kakaopay']), issuedAt: z.string() })) });

const refusal = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const readyAnswer = z.object({ tid: z.string().min(1), nextRedirectPcUrl: z.string(), nextRedirectMobileUrl: z.string().optional() });

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
    const parsed = refusal.safeParse(reply.body);
    return parsed.success ? parsed.data.error : { code: `HTTP_${reply.status}`, message: 'The sandbox PG refused the request.' };
  };

  const unexpected = (reply: Reply): string => (reply.answered ? `unexpected answer (HTTP ${reply.status})` : reply.reason);

  const toOutcome = (answer: z.infer<typeof payment>): ChargeOutcome =>
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
      const answer = reply.answered && reply.status === 200 ? readyAnswer.safeParse(reply.body) : null;
      if (!answer?.success) throw new Error(`Sandbox PG did not answer the ready: ${unexpected(reply)}`);
      return { window: { ...registrationWindow(family, gateway, options.contract ?? {}, request, answer.data), sandbox }, session: answer.data.tid };
    },

    async issueBillingKey({ authKey, customerKey, session }): Promise<IssuedBillingKey> {
      // KakaoPay's approve names its ready's tid (kept as the signup's session); the sandbox checks it.
      const tid = family === 'kakaopay' && session !== undefined ? { tid: session } : {};
      const reply = await call('POST', SANDBOX_PG_PATHS.issueBillingKey, { authKey, customerKey, ...tid });
      const refused = refusalOf(reply);
      if (refused) throw new GatewayRefusal(refused.code, refused.message);
      const answer = reply.answered && reply.status === 200 ? issued.safeParse(reply.body) : null;
      if (!answer?.success) throw new Error(`Sandbox PG did not issue a billing key: ${unexpected(reply)}`);
      return { billingKey: answer.data.billingKey, card: answer.data.card };
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
      const answer = reply.answered && reply.status === 200 ? payment.safeParse(reply.body) : null;
      if (!answer?.success) return { status: 'UNKNOWN', message: `Sandbox PG charge: ${unexpected(reply)}` };
      return toOutcome(answer.data);
    },

    async findChargeByOrderId(orderId): Promise<LookupOutcome> {
      const reply = await call('GET', `${SANDBOX_PG_PATHS.charges}?${new URLSearchParams({ orderId })}`);
      // Only the PG's own "no such payment" means NOT_FOUND; any other 404 (a wrong URL) is not knowledge.
      if (refusalOf(reply)?.code === 'NOT_FOUND_PAYMENT') return { status: 'NOT_FOUND' };
      const answer = reply.answered && reply.status === 200 ? payment.safeParse(reply.body) : null;
      if (!answer?.success) return { status: 'UNKNOWN', message: `Sandbox PG lookup: ${unexpected(reply)}` };
      return toOutcome(answer.data);
    },

    async listBillingKeys(customerKey): Promise<LiveBillingKey[]> {
      const reply = await call('POST', SANDBOX_PG_PATHS.listBillingKeys, { customerKey });
      const answer = reply.answered && reply.status === 200 ? liveKeys.safeParse(reply.body) : null;
      if (!answer?.success) throw new Error(`Sandbox PG did not list the billing keys: ${unexpected(reply)}`);
      return answer.data.items;
    },

    async deleteBillingKey({ billingKey, customerKey }): Promise<void> {
      const reply = await call('POST', SANDBOX_PG_PATHS.deleteBillingKey, { billingKey, customerKey });
      const refused = refusalOf(reply);
      if (refused) throw new GatewayRefusal(refused.code, refused.message);
      if (!reply.answered || reply.status !== 200) throw new Error(`Sandbox PG did not delete the billing key: ${unexpected(reply)}`);
    },
  };
}

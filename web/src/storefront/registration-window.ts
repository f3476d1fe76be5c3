/**
 * Opens the PG's card-registration window for a signup (S15: "정기배송
 * 신청하기" opens the window where the buyer registers a card). What to open
 * is in the signup's `registration`, shaped per PG by the API:
 *
 * | registration | window | comes back to the success URL with |
 * | --- | --- | --- |
 * | sandbox (`npm start`) | the local sandbox window page, test cards | `authKey` (card) or `pg_token` (KakaoPay) |
 * | tosspayments | Toss Payments SDK v2 `payment.requestBillingAuth` | `authKey`, `customerKey` |
 * | kakaopay | a redirect to KakaoPay's `next_redirect_*_url` | `pg_token` |
 * | portone (Inicis, KCP, KSNET) | PortOne browser SDK `requestIssueBillingKey` | `billingKey` |
 *
 * Failures come back to the fail URL with `code` and `message`, as Toss
 * does; a window the buyer closes is `USER_CANCEL`. The SDKs are imported
 * only when their PG is used, so neither the widget nor the other pages
 * carry them.
 */
import type { paths } from '../api/client.ts';

type Registration = paths['/subscriptions']['post']['responses'][201]['content']['application/json']['registration'];

export interface WindowRequest {
  readonly subscriptionId: string;
  readonly method: 'card' | 'kakaopay';
  readonly successUrl: string;
  readonly failUrl: string;
  readonly customerEmail: string;
  readonly customerName: string;
  readonly orderName: string;
  readonly amount: number;
}

/** Thrown when a window cannot open; the order form shows it (nothing was registered). */
export class WindowError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** The local sandbox's part of a registration: today `gateway: 'sandbox'`, or a `sandbox` object beside a real PG's shape. */
function sandboxOf(registration: Registration): { subscriptionId?: string; tid?: string } | null {
  const nested = registration.sandbox as { subscriptionId?: string } | undefined;
  if (nested && typeof nested === 'object') return { ...nested, ...(text(registration.tid) ? { tid: text(registration.tid)! } : {}) };
  if (registration.gateway === 'sandbox') return {};
  return null;
}

function withQuery(url: string, params: Record<string, string>): string {
  const target = new URL(url, location.href);
  for (const [key, value] of Object.entries(params)) target.searchParams.set(key, value);
  return target.toString();
}

/**
 * Where a window comes back: the result page (order-complete.html) for this subscription, `extra` saying what for
 * (`change: 'card'`), and its fail URL the same with `failed=1`.
 */
export function resultUrls(subscriptionId: string, extra: Record<string, string> = {}): { successUrl: string; failUrl: string } {
  const successUrl = withQuery('/order-complete.html', { subscriptionId, ...extra });
  return { successUrl, failUrl: withQuery(successUrl, { failed: '1' }) };
}

/** Opens the window; most PGs leave this page (a redirect), so the promise may never settle. */
export async function openRegistrationWindow(registration: Registration, request: WindowRequest): Promise<void> {
  const sandbox = sandboxOf(registration);
  if (sandbox) {
    location.assign(
      withQuery('/_local/sandbox-pg/window', {
        subscriptionId: request.subscriptionId,
        method: request.method,
        orderName: request.orderName,
        amount: String(request.amount),
        successUrl: request.successUrl,
        failUrl: request.failUrl,
        ...(sandbox.tid ? { tid: sandbox.tid } : {}),
      }),
    );
    return;
  }
  const family = text(registration.via) ?? registration.gateway;
  if (family === 'tosspayments') return tossWindow(registration, request);
  if (family === 'kakaopay') return kakaoPayRedirect(registration);
  if (family === 'portone') return portOneWindow(registration, request);
  throw new WindowError('WINDOW_NOT_SUPPORTED', `이 페이지는 아직 ${registration.gateway}의 카드 등록 창을 열 수 없어요.`);
}

async function tossWindow(registration: Registration, request: WindowRequest): Promise<void> {
  const clientKey = text(registration.clientKey);
  const customerKey = text(registration.customerKey);
  if (!clientKey || !customerKey) throw new WindowError('WINDOW_NOT_CONFIGURED', '토스페이먼츠 클라이언트 키가 설정되지 않았어요.');
  const { loadTossPayments } = await import('@tosspayments/tosspayments-sdk');
  const toss = await loadTossPayments(clientKey);
  try {
    await toss.payment({ customerKey }).requestBillingAuth({
      method: 'CARD',
      successUrl: request.successUrl,
      failUrl: request.failUrl,
      customerEmail: request.customerEmail,
      customerName: request.customerName,
      // A phone gets the whole page, as Toss recommends; a desktop the SDK's own layer.
      windowTarget: matchMedia('(max-width: 767px)').matches ? 'self' : 'iframe',
    });
  } catch (error) {
    // The layer closed by the buyer (USER_CANCEL) or refused: back to the fail URL, like a redirect would.
    const code = text((error as { code?: unknown }).code) ?? 'UNKNOWN_ERROR';
    location.assign(withQuery(request.failUrl, { code, message: (error as Error).message ?? '' }));
  }
}

function kakaoPayRedirect(registration: Registration): void {
  const mobile = matchMedia('(max-width: 767px)').matches;
  const url = (mobile ? text(registration.nextRedirectMobileUrl) : undefined) ?? text(registration.nextRedirectPcUrl);
  if (!url) throw new WindowError('WINDOW_NOT_CONFIGURED', '카카오페이 결제 준비 정보가 없어요.');
  location.assign(url);
}

async function portOneWindow(registration: Registration, request: WindowRequest): Promise<void> {
  const storeId = text(registration.storeId);
  if (!storeId) throw new WindowError('WINDOW_NOT_CONFIGURED', 'PortOne 상점 아이디가 설정되지 않았어요.');
  const PortOne = (await import('@portone/browser-sdk/v2')).default;
  const customer = registration.customer as { customerId?: string } | undefined;
  const response = await PortOne.requestIssueBillingKey({
    storeId,
    ...(text(registration.channelKey) ? { channelKey: text(registration.channelKey)! } : {}),
    billingKeyMethod: 'CARD',
    issueName: request.orderName,
    ...(text(registration.issueId) ? { issueId: text(registration.issueId)! } : {}),
    customer: { ...(customer?.customerId ? { customerId: customer.customerId } : {}), email: request.customerEmail, fullName: request.customerName },
    // On a phone PortOne leaves the page and comes back here with billingKey (or code and message).
    redirectUrl: request.successUrl,
  });
  if (!response) return;
  if (response.code !== undefined) location.assign(withQuery(request.failUrl, { code: response.code, message: response.message ?? '' }));
  else location.assign(withQuery(request.successUrl, { billingKey: response.billingKey }));
}

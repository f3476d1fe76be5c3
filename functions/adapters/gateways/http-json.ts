/**
 * The one HTTP call the direct PG adapters (NICE Payments, KakaoPay) make:
 * JSON in and out, a whole-request deadline, no redirects (following one would
 * send our credentials elsewhere), and an answer that says whether the PG
 * answered at all. Errors never carry the URL (a billing key may be in its path).
 */
export type PgReply = { readonly kind: 'answer'; readonly status: number; readonly body: unknown } | { readonly kind: 'no-answer'; readonly reason: 'timeout' | 'network' };

export interface PgHttpOptions {
  readonly baseUrl: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

export function pgHttp(options: PgHttpOptions) {
  const doFetch = options.fetch ?? globalThis.fetch;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  return async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<PgReply> {
    try {
      const response = await doFetch(`${baseUrl}${path}`, {
        method,
        headers: { ...options.headers, ...(body === undefined ? {} : { 'Content-Type': 'application/json;charset=utf-8' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: 'manual',
      });
      const text = await response.text();
      return { kind: 'answer', status: response.status, body: parseJson(text) };
    } catch (error) {
      return { kind: 'no-answer', reason: error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError') ? 'timeout' : 'network' };
    }
  };
}

export function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);

/** "433012******1234" → "1234"; masked last digits → null. */
export function lastFour(masked: string | undefined): string | null {
  if (masked === undefined) return null;
  const last4 = masked.replace(/[\s-]/g, '').slice(-4);
  return /^\d{4}$/.test(last4) ? last4 : null;
}

/** The longest prefix of `value` within `maxBytes` UTF-8 bytes, never cutting a character (PGs count field sizes in bytes). */
export function truncateBytes(value: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const char of value) {
    bytes += Buffer.byteLength(char, 'utf8');
    if (bytes > maxBytes) break;
    out += char;
  }
  return out;
}

/** Seoul calendar date of an instant, minus `daysBack`. */
export function seoulDateOf(at: number, daysBack = 0): string {
  return new Date(at + 9 * 3_600_000 - daysBack * 86_400_000).toISOString().slice(0, 10);
}

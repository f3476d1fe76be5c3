/**
 * Signed webhooks (issue 13), the rules without I/O: when a failed delivery is tried again, how a due time
 * beyond SQS's 15-minute delay is reached, and which endpoint URLs a shop may register (no SSRF into our
 * own network). The delivery worker and the registration use case (next: see the issue-13 part A report)
 * ask these; nothing here sends or stores.
 */
import { isIP } from 'node:net';

/**
 * Seconds after the first attempt's failure at which each retry is due (Svix's schedule, which Standard
 * Webhooks follows): 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h — eight attempts spread over ~31.6 h, so an
 * endpoint down for a whole day still gets every event.
 */
export const RETRY_DELAYS_SECONDS = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600, 14 * 3600] as const;
/** SQS refuses a DelaySeconds above this; a later retry is re-enqueued with the due time it carries. */
export const SQS_MAX_DELAY_SECONDS = 15 * 60;
/** How long an endpoint has to answer one attempt before it counts as failed. */
export const DELIVERY_TIMEOUT_MS = 15_000;

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed';

/** After attempt `attempt` (1-based) failed at `failedAt`: when the next is due, or undefined when it was the last. */
export function nextAttemptAt(attempt: number, failedAt: Date): Date | undefined {
  const delay = RETRY_DELAYS_SECONDS[attempt - 1];
  return delay === undefined ? undefined : new Date(failedAt.getTime() + delay * 1000);
}

/** What one attempt's answer means: any 2xx acknowledges; anything else (or none) is retried until the last attempt. */
export function outcomeOf(status: number | undefined, attempt: number): DeliveryOutcome {
  if (status !== undefined && status >= 200 && status < 300) return 'delivered';
  return attempt > RETRY_DELAYS_SECONDS.length ? 'failed' : 'retry';
}

/**
 * The DelaySeconds for a message due at `dueAt`: the whole wait when it fits SQS's limit, else the limit — the
 * worker receiving it early sends it on again with the same due time (one extra hop per 15 minutes of wait).
 */
export function sqsDelaySeconds(dueAt: Date, now: Date): number {
  return Math.min(SQS_MAX_DELAY_SECONDS, Math.max(0, Math.ceil((dueAt.getTime() - now.getTime()) / 1000)));
}

/** True when a message received at `now` is early (its due time not yet reached). */
export function isEarly(dueAt: Date, now: Date): boolean {
  return dueAt.getTime() > now.getTime();
}

const V4_PRIVATE: ReadonlyArray<readonly [number, number]> = [
  [0x00000000, 8], // 0.0.0.0/8 "this network"
  [0x0a000000, 8], // 10/8
  [0x64400000, 10], // 100.64/10 carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local, incl. the instance metadata service 169.254.169.254
  [0xac100000, 12], // 172.16/12
  [0xc0000000, 24], // 192.0.0/24 IETF protocol assignments
  [0xc0a80000, 16], // 192.168/16
  [0xc6120000, 15], // 198.18/15 benchmarking
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved, broadcast
];

function v4ToInt(address: string): number {
  return address.split('.').reduce((sum, part) => sum * 256 + Number(part), 0);
}

/**
 * True for an address an endpoint must never resolve to: loopback, private, link-local (the metadata
 * service), CGNAT, multicast, reserved, and their IPv4-mapped IPv6 forms. The worker checks the resolved
 * address of every delivery as well, since a public name can be re-pointed at a private address later.
 */
export function isPrivateAddress(address: string): boolean {
  const version = isIP(address);
  if (version === 4) {
    const value = v4ToInt(address);
    return V4_PRIVATE.some(([network, bits]) => value >>> (32 - bits) === network >>> (32 - bits));
  }
  if (version === 6) {
    const lower = address.toLowerCase();
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
    if (mapped) return isPrivateAddress(mapped[1]!);
    // The WHATWG URL parser writes a mapped address in hex: [::ffff:192.168.0.1] → [::ffff:c0a8:1].
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
    if (hexMapped) {
      const [high, low] = [parseInt(hexMapped[1]!, 16), parseInt(hexMapped[2]!, 16)];
      return isPrivateAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    }
    return lower === '::' || lower === '::1' || /^f[cd]/.test(lower) || /^fe[89ab]/.test(lower) || /^ff/.test(lower);
  }
  return false;
}

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Why a webhook URL is refused, or undefined when it is acceptable: https only (the local runtime also
 * takes http://localhost, for its test sink), no credentials in it, no private or link-local address
 * literal, no internal-looking name.
 */
export function webhookUrlProblem(raw: string, options: { readonly allowLocalHttp: boolean }): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Not a URL.';
  }
  const host = url.hostname.toLowerCase();
  const local = LOCAL_HOSTS.has(host);
  if (options.allowLocalHttp && local && (url.protocol === 'http:' || url.protocol === 'https:')) return undefined;
  if (url.protocol !== 'https:') return 'Use an https:// URL.';
  if (url.username || url.password) return 'A URL must not carry credentials; authenticate with the signature instead.';
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (local || isPrivateAddress(literal)) return 'Private, loopback and link-local addresses are not allowed.';
  if (isIP(literal) === 0 && (!host.includes('.') || /\.(local|internal|localhost|localdomain)$/.test(host))) return 'Use a public host name.';
  return undefined;
}

/**
 * The HTTP adapter of webhook deliveries (issue 13): one POST per attempt with node:http(s), a hard
 * DELIVERY_TIMEOUT_MS, and the resolved address checked in the socket's own DNS lookup — so the address
 * checked is the address connected to (a name re-pointed at a private address after registration, DNS
 * rebinding, is refused). Redirects are not followed: a 3xx is an answer, and not a 2xx.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { DELIVERY_TIMEOUT_MS, isPrivateAddress } from '../../domain/webhook.ts';
import type { WebhookSender } from '../../ports/webhook-sender.ts';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
const USER_AGENT = 'subscriptions-webhooks/1.0';

/** A lookup that refuses private, loopback and link-local answers. */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const list = addresses as unknown as LookupAddress[];
    const refused = list.find((address) => isPrivateAddress(address.address));
    if (refused || list.length === 0) return callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATEADDRESS' }), '', 0);
    if ((options as { all?: boolean }).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
};

/** `allowLocalHttp`: the local runtime, whose test sink is http://localhost (never in AWS). */
export function httpWebhookSender(options: { readonly allowLocalHttp: boolean; readonly timeoutMs?: number }): WebhookSender {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  return {
    post({ url, headers, body }) {
      const started = Date.now();
      const target = new URL(url);
      const local = options.allowLocalHttp && LOCAL_HOSTS.has(target.hostname);
      const client = target.protocol === 'http:' ? http : https;
      return new Promise((resolve) => {
        const clock: { timer?: NodeJS.Timeout } = {};
        const done = (result: { statusCode?: number; error?: string }) => {
          clearTimeout(clock.timer);
          resolve({ ...result, durationMs: Date.now() - started });
        };
        const request = client.request(
          target,
          {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': USER_AGENT },
            ...(local ? {} : { lookup: publicOnlyLookup }),
          },
          (response) => {
            // The body is not read beyond what is needed to free the socket.
            response.resume();
            done({ statusCode: response.statusCode ?? 0 });
          },
        );
        // The whole attempt, connect to status line, within the timeout (a socket's idle timeout would let a trickle run on).
        clock.timer = setTimeout(() => request.destroy(Object.assign(new Error(`No answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })), timeoutMs);
        request.on('error', (error: NodeJS.ErrnoException) => done({ error: error.code === 'EPRIVATEADDRESS' ? 'private-address' : error.code === 'ETIMEDOUT' ? 'timeout' : (error.code ?? 'network-error') }));
        request.end(body);
      });
    },
  };
}

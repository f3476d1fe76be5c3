/**
 * The local runtime's own endpoints (`npm start` only, never deployed, not in
 * the OpenAPI document): typed by the local runtime's modules themselves, so
 * the dev console cannot drift from them either. Same origin only.
 */
import type { z } from 'zod';
import type { ClockMove } from '../../../local/local-endpoints.ts';
import type { OutboxItem } from '../../../local/outbox.ts';
import type { LocalQueues } from '../../../local/queues.ts';
import type { authorizeBody } from '../../../local/sandbox-pg.ts';
import type { FiredRun } from '../../../local/scheduler.ts';
import type { LocalClaims } from '../../../local/tokens.ts';
import { apiErrorFrom } from './errors.ts';

export type { OutboxItem, FiredRun, ClockMove };
export type QueuesView = ReturnType<LocalQueues['stats']>;
export type SandboxAuthorization = z.input<typeof authorizeBody>;

async function local<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer: unknown = await response.json().catch(() => null);
  if (!response.ok) throw apiErrorFrom(response.status, answer);
  return answer as T;
}

export const localApi = {
  token: (claims: LocalClaims) => local<{ token: string }>('POST', '/_local/token', claims),
  clock: () =>
    local<{ now: string; upcoming: Array<{ functionName: FiredRun['functionName']; at: string }>; runTimes: Array<{ functionName: FiredRun['functionName']; time: string }> }>('GET', '/_local/clock'),
  moveClock: (move: ClockMove) => local<{ now: string; runs: FiredRun[] }>('POST', '/_local/clock', move),
  outbox: (to?: string) => local<{ items: OutboxItem[] }>('GET', `/_local/outbox${to ? `?to=${encodeURIComponent(to)}` : ''}`),
  queues: () => local<QueuesView>('GET', '/_local/queues'),
  authorize: (request: SandboxAuthorization) => local<{ authKey: string }>('POST', '/_local/sandbox-pg/authorize', request),
};

/**
 * The local runtime's own endpoints (`npm start` only, never deployed, not in
 * the OpenAPI document), typed by local/local-api.ts, whose shapes the local
 * runtime checks its answers against. Same origin only.
 */
import type { ClockMove, ClockMoved, ClockView, FiredRunView, OutboxItemView, QueuesView, SampleContracts, SandboxAuthorization, TokenRequest } from '../../../local/local-api.ts';
import { apiErrorFrom } from './errors.ts';

export type { ClockMove, FiredRunView as FiredRun, OutboxItemView as OutboxItem, QueuesView, SandboxAuthorization };

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
  token: (claims: TokenRequest) => local<{ token: string }>('POST', '/_local/token', claims),
  clock: () => local<ClockView>('GET', '/_local/clock'),
  moveClock: (move: ClockMove) => local<ClockMoved>('POST', '/_local/clock', move),
  outbox: (to?: string) => local<{ items: OutboxItemView[] }>('GET', `/_local/outbox${to ? `?to=${encodeURIComponent(to)}` : ''}`),
  queues: () => local<QueuesView>('GET', '/_local/queues'),
  sampleContracts: () => local<SampleContracts>('GET', '/_local/sample-contracts'),
  authorize: (request: SandboxAuthorization) => local<{ authKey: string }>('POST', '/_local/sandbox-pg/authorize', request),
};

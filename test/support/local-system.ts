/**
 * Boots the real local system (embedded DynamoDB, SES, SNS, the local API
 * Gateway) on free ports, in memory, and gives tests a small HTTP client.
 * One per test file: vitest runs each file in its own process.
 */
import { startLocalSystem, type LocalSystem } from '../../local/system.ts';

export interface ApiResponse<T = any> {
  readonly status: number;
  readonly body: T;
  readonly headers: Headers;
}

export interface TestSystem {
  readonly system: LocalSystem;
  call<T = any>(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  token(role: 'customer' | 'admin' | 'platform', shop: string, sub?: string): Promise<string>;
  stop(): Promise<void>;
}

export async function bootLocalSystem(options: { seed?: boolean; logLevel?: string; startAt?: string; env?: Record<string, string> } = {}): Promise<TestSystem> {
  const system = await startLocalSystem({
    port: 0,
    data: 'memory',
    seed: options.seed ?? true,
    tick: false,
    env: { LOG_LEVEL: options.logLevel ?? 'ERROR', LOG_FORMAT: 'json', ...options.env },
    ...(options.startAt ? { startAt: new Date(options.startAt) } : {}),
  });
  const call = async (method: string, path: string, opts: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const response = await fetch(`${system.url}${path}`, { method, headers, body });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  return {
    system,
    call,
    token: async (role, shop, sub = `${role}-user`) => (await call('POST', '/_local/token', { body: { role, shop, sub } })).body.token,
    stop: () => system.stop(),
  };
}

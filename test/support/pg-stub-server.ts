/**
 * The HTTP side shared by the PG contract stubs (nice-stub.ts, kakaopay-stub.ts,
 * portone-stub.ts): a server on 127.0.0.1 and a free port that records every
 * request (refused ones included), hands it to the stub's router, answers JSON,
 * and can hold an answer back (a PG that took the money but answers late).
 * Each stub owns its contract; this file owns none.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  readonly method: string;
  /** Raw request target, percent-encoding intact. */
  readonly url: string;
  /** The path, still percent-encoded, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly rawBody: string;
  /** Parsed JSON body, or undefined. */
  readonly body: unknown;
}

export interface StubReply {
  readonly status: number;
  readonly body?: unknown;
  /** Answer only after this long (the work is already done). */
  readonly delayMs?: number;
}

/** A refusal the router throws: answered as is. */
export class StubRefusal extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(JSON.stringify(body));
  }
}

export interface StubServer {
  readonly url: string;
  readonly requests: StubRequest[];
  stop(): Promise<void>;
}

/** `/a/b%2Fc` → ['a', 'b/c']; a malformed escape throws the given refusal. */
export function pathSegments(path: string, malformed: () => Error): string[] {
  return path
    .split('/')
    .slice(1)
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        throw malformed();
      }
    });
}

/** The JSON object body, its fields limited to `allowed`; anything else throws `refuse(reason)`. */
export function objectBody(request: StubRequest, allowed: ReadonlySet<string>, refuse: (reason: string) => Error): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw refuse('the body must be a JSON object');
  for (const field of Object.keys(body)) if (!allowed.has(field)) throw refuse(`unknown field ${field}`);
  return body as Record<string, unknown>;
}

export const bytes = (value: string): number => Buffer.byteLength(value, 'utf8');
export const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

export async function startStubServer(route: (request: StubRequest) => StubReply, internalError: StubReply): Promise<StubServer> {
  const requests: StubRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function send(response: ServerResponse, reply: StubReply): void {
    if (response.destroyed || response.writableEnded) return;
    if (reply.body === undefined) {
      response.writeHead(reply.status, { 'Content-Length': '0' });
      response.end();
      return;
    }
    const text = JSON.stringify(reply.body);
    response.writeHead(reply.status, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
    response.end(text);
  }

  async function handle(incoming: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of incoming) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = rawBody === '' ? undefined : (JSON.parse(rawBody) as unknown);
    } catch {
      body = undefined;
    }
    const url = incoming.url ?? '';
    const [path = '', query = ''] = url.split('?');
    const request: StubRequest = { method: incoming.method ?? '', url, path, query: new URLSearchParams(query), headers: incoming.headers, rawBody, body };
    requests.push(request);
    let reply: StubReply;
    try {
      reply = route(request);
    } catch (error) {
      reply = error instanceof StubRefusal ? { status: error.status, body: error.body } : internalError;
    }
    if (reply.delayMs === undefined) return send(response, reply);
    const timer = setTimeout(() => {
      timers.delete(timer);
      send(response, reply);
    }, reply.delayMs);
    timers.add(timer);
  }

  const server = createServer((incoming, response) => {
    void handle(incoming, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Seoul calendar date (YYYY-MM-DD) and ISO 8601 timestamp with +09:00, as Korean PGs write them. */
export function seoulNow(date = new Date()): { date: string; iso: string } {
  const shifted = new Date(date.getTime() + 9 * 3_600_000).toISOString();
  return { date: shifted.slice(0, 10), iso: `${shifted.slice(0, 19)}+09:00` };
}

/** Small helpers shared by the PG adapters' contract tests. */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, afterEach, beforeAll, vi } from 'vitest';
import type { ChargeRequest } from '../../functions/adapters/gateways/payment-gateway.ts';
import { logger } from '../../functions/core/logger.ts';

/** Every logger call (all levels) from now until vi.restoreAllMocks(), silenced. */
export function captureLogs(): unknown[] {
  const logged: unknown[] = [];
  for (const level of ['debug', 'info', 'warn', 'error'] as const) {
    vi.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
      logged.push(args);
    });
  }
  return logged;
}

/** A URL on which nothing listens: a port that was just free. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * The file's PG stub: started before its tests, stopped after them; logger
 * spies are restored after each test. Returns the running stub.
 */
export function useStub<S extends { stop(): Promise<void> }>(start: () => Promise<S>): () => S {
  let stub: S | undefined;
  beforeAll(async () => {
    stub = await start();
  });
  afterAll(() => stub?.stop());
  afterEach(() => {
    vi.restoreAllMocks();
  });
  return () => {
    if (!stub) throw new Error('the stub is not running');
    return stub;
  };
}

/** A charge of 32,000 KRW on a registered card, a fresh order id each time. */
export const chargeOf = (card: { readonly billingKey: string; readonly customerKey: string }, overrides: Partial<ChargeRequest> = {}): ChargeRequest => ({
  billingKey: card.billingKey,
  customerKey: card.customerKey,
  amount: 32_000,
  orderId: `order-${randomUUID()}`,
  orderName: '정기배송 원두 외 1건',
  idempotencyKey: randomUUID(),
  customerEmail: 'buyer@example.com',
  ...overrides,
});

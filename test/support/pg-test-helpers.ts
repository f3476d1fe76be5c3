/** Small helpers shared by the PG adapters' contract tests. */
import { createServer } from 'node:net';
import { vi } from 'vitest';
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

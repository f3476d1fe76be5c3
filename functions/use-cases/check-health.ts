import type { Clock } from '../core/clock.ts';
import { seoulTimestamp } from '../core/dates.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';

/** Answers whether the system can reach its table; used by `GET /health`. */
export async function checkHealth(deps: { shops: Pick<ShopsRepository, 'ping'>; clock: Clock }) {
  await deps.shops.ping();
  return { status: 'ok', time: seoulTimestamp(deps.clock.now()) };
}

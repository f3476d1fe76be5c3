import type { DueWorkRepository } from '../../adapters/dynamodb/due-work.repo.ts';
import type { DueKind } from '../../adapters/dynamodb/keys.ts';

/**
 * How many items are still due under `date` (capped): for a charge run, the cycles of the day before. Every
 * cycle a charge run touches leaves that day's index (charged, failed, or moved to its next attempt's day), so
 * anything still there when the next day's first run starts was left behind.
 */
export async function countDue(dueWork: Pick<DueWorkRepository, 'findDue'>, kind: DueKind, date: string, cap = 1000): Promise<number> {
  let count = 0;
  for await (const _key of dueWork.findDue(kind, date)) {
    count += 1;
    if (count >= cap) break;
  }
  return count;
}

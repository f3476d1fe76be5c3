import type { Clock } from '../core/clock.ts';
import { seoulDate } from '../core/dates.ts';
import type { DueKind } from '../adapters/dynamodb/keys.ts';
import type { DueWorkRepository } from '../adapters/dynamodb/due-work.repo.ts';
import { logger } from '../core/logger.ts';

export interface RunReport {
  readonly kind: DueKind;
  /** The Seoul date whose work the run covers: the day it was scheduled for. */
  readonly date: string;
  readonly due: number;
}

/**
 * A daily run's first step: decide its day from the time it was scheduled for
 * (a late or repeated trigger works on its own day) and page every shard of the
 * due index for that day. Processing each item (the notice and the charge) is
 * issue 5; until then the run reports what is due and changes nothing.
 */
export async function scanDueWork(
  deps: { dueWork: DueWorkRepository; clock: Clock },
  kind: DueKind,
  scheduledTime: string | undefined,
): Promise<RunReport> {
  const at = scheduledTime ? new Date(scheduledTime) : deps.clock.now();
  if (Number.isNaN(at.getTime())) throw new Error(`scheduledTime "${scheduledTime}" is not a timestamp`);
  const date = seoulDate(at);
  let due = 0;
  for await (const _key of deps.dueWork.findDue(kind, date)) due += 1;
  logger.info('Due work scanned', { kind, date, due });
  return { kind, date, due };
}

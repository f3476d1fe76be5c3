/**
 * What a run's worker receives and answers: one message of due work — items
 * of one shop — and, per item, its outcome or its failure. A failed item does
 * not hold back the others: the worker puts it back on its own
 * (functions/queue/sqs-worker.ts), so only that item is retried, and only it
 * can reach the dead-letter queue.
 */
import type { CycleRef } from '../../domain/cycle.ts';

export interface Work {
  /** RETRY: the shop's retry of a FAILED cycle (use-cases/retry-cycle.ts), charged by the charge worker. */
  readonly kind: 'NOTICE' | 'CHARGE' | 'RETRY';
  /** The Seoul date of the run that dispatched it (it took everything due up to that day). */
  readonly date: string;
  /** When the run was scheduled: the charge's "now" for every retry decision. */
  readonly scheduledTime: string;
  readonly shopId: string;
  /** The queue message's id: stable across redeliveries (the notice's credit block is named after it). */
  readonly messageId: string;
  readonly items: readonly CycleRef[];
}

export type ItemResult<T> = { readonly ref: CycleRef; readonly outcome: T } | { readonly ref: CycleRef; readonly error: unknown };

export interface WorkReport<T> {
  readonly results: ReadonlyArray<ItemResult<T>>;
}

/** The outcomes of the items that did not fail. */
export function outcomesOf<T>(report: WorkReport<T>): T[] {
  return report.results.flatMap((result) => ('outcome' in result ? [result.outcome] : []));
}

/** The refs of the items that failed (to be retried on their own). */
export function failedItems<T>(report: WorkReport<T>): CycleRef[] {
  return report.results.filter((result) => 'error' in result).map((result) => result.ref);
}

/**
 * Runs `work` for each entry with at most `limit` at a time, keeping each one's outcome or error: one failure
 * never stops the others.
 */
export async function settleEach<I, T>(entries: readonly I[], limit: number, work: (entry: I) => Promise<T>): Promise<Array<{ entry: I; value?: T; error?: unknown; failed: boolean }>> {
  const results: Array<{ entry: I; value?: T; error?: unknown; failed: boolean }> = new Array(entries.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, entries.length) }, async () => {
      while (next < entries.length) {
        const index = next;
        next += 1;
        const entry = entries[index]!;
        try {
          results[index] = { entry, value: await work(entry), failed: false };
        } catch (error) {
          results[index] = { entry, error, failed: true };
        }
      }
    }),
  );
  return results;
}

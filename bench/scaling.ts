/**
 * Throughput scales with the queue's concurrency cap, not with our code
 * (issue 12): the charge run over `perLane × cap` noticed cycles with the
 * sandbox PG answering after `delayMs` (like a real PG), at each cap. With the
 * PG the slow part, items/s ≈ cap ÷ (PG delay + our time per item): it grows
 * near-linearly with the cap until this machine's CPU is the limit.
 */
import { FUNCTIONS } from '../system/functions.ts';
import { addDays, seoulInstant } from '../functions/core/dates.ts';
import type { LocalSystem } from '../local/system.ts';
import { runEndToEnd, seedSubscriptions, type Progress } from './daily-runs.ts';

export interface ScalingFigure {
  readonly cap: number;
  readonly items: number;
  readonly ms: number;
  readonly itemsPerSecond: number;
  /** cap ÷ PG delay: what the PG alone would allow. */
  readonly pgBound: number;
}

export async function chargeScaling(system: LocalSystem, shopIds: readonly string[], after: string, caps: readonly number[], delayMs: number, perLane: number, progress: Progress): Promise<ScalingFigure[]> {
  const figures: ScalingFigure[] = [];
  const queue = system.queues.queue('chargeWorker')!;
  const delayBefore = system.sandboxPg.answerDelayMs;
  try {
    for (const [k, cap] of caps.entries()) {
      const delivery = addDays(after, 3 + 2 * k);
      const items = cap * perLane;
      progress(`\nscaling: cap ${cap}, ${items} cycles due ${delivery}, the sandbox PG answering after ${delayMs} ms`);
      const seeded = await seedSubscriptions(system, shopIds, items, delivery, progress, `scale-${cap}`);
      // Noticed through the real notice run, with no PG delay (it does not call the PG).
      await runEndToEnd(system, 'noticeRun', seoulInstant(addDays(delivery, -2), 8, 0), items, progress, async () => '');
      queue.setMaxConcurrency(cap);
      system.sandboxPg.answerDelayMs = delayMs;
      const run = await runEndToEnd(system, 'chargeRun', seoulInstant(addDays(delivery, -1), 10, 0), seeded.ids.length, progress, async () => '');
      system.sandboxPg.answerDelayMs = delayBefore;
      figures.push({ cap, items, ms: run.ms, itemsPerSecond: run.itemsPerSecond, pgBound: cap / (delayMs / 1000) });
    }
  } finally {
    system.sandboxPg.answerDelayMs = delayBefore;
    queue.setMaxConcurrency(FUNCTIONS.chargeWorker.queue.maxConcurrency);
  }
  return figures;
}

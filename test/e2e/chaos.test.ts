/**
 * Issue 17, the small in-suite version of `npm run chaos` (bench/chaos.ts): the
 * local system as a child process with a data folder, SIGKILLed while the
 * notice run is working, restarted on the same data, the clock moved on to the
 * charge run. Every cycle charged exactly once at the sandbox PG, nothing
 * stuck, every notice out (a repeat only after an abandoned send), credits
 * exact with nothing reserved. The full version kills notice and charge runs
 * over several rounds: `npm run chaos`.
 */
import { describe, expect, it } from 'vitest';
import { runChaos } from '../../bench/chaos.ts';

describe('a SIGKILL of the whole local system during the notice run', () => {
  it('loses no cycle, charges none twice, leaves nothing stuck, keeps credits exact', async () => {
    const figures = await runChaos({ subscriptions: 4, shops: 1, rounds: 1, startDates: 1, killsPerRun: 1, killDuring: ['notice'], killWindowMs: [10, 60], seed: 17, progress: () => undefined });
    expect(figures.kills).toBe(1);
    expect(figures.restarts).toBe(1);
    expect(figures).toMatchObject({ cycles: 4, charged: 4, captures: 4, duplicates: 0, lost: 0, stuck: 0, credits: { exact: true, reserved: 0 } });
    expect(figures.notices).toMatchObject({ missing: 0, repeatsUnexplained: 0 });
  }, 60_000);
});

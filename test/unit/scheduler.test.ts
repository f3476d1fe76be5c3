import { describe, expect, it } from 'vitest';
import { LocalClock } from '../../local/clock.ts';
import { LocalScheduler, runTimesFrom } from '../../local/scheduler.ts';

function schedulerAt(realStart: string, env: NodeJS.ProcessEnv = {}) {
  const real = { now: Date.parse(realStart) };
  const clock = new LocalClock(() => real.now);
  const seen: Array<{ name: string; scheduledTime: string; clockAtRun: string }> = [];
  const scheduler = new LocalScheduler(runTimesFrom(env), clock, async (name, scheduledTime) => {
    seen.push({ name, scheduledTime, clockAtRun: clock.now().toISOString() });
    return 'done';
  });
  return { real, clock, scheduler, seen };
}

describe('local scheduler', () => {
  it('takes the shared defaults: notice 08:00, charge 10:00 and 17:00, maintenance 04:00 Seoul', () => {
    const times = runTimesFrom({}).map((run) => `${run.functionName}@${run.hour}:${run.minute}`);
    expect(times).toEqual(['noticeRun@8:0', 'maintenanceRun@4:0', 'chargeRun@10:0', 'chargeRun@17:0']);
  });

  it('reads the times from settings (env) when given', () => {
    expect(runTimesFrom({ CHARGE_RUN_TIMES: '09:30' }).filter((run) => run.functionName === 'chargeRun')).toEqual([{ functionName: 'chargeRun', hour: 9, minute: 30 }]);
    expect(() => runTimesFrom({ NOTICE_RUN_TIMES: '8am' })).toThrow(/HH:mm/);
  });

  it('fires each run in between in order, with the clock standing at the run time', async () => {
    // 2026-11-27 06:00 Seoul.
    const { scheduler, seen, clock } = schedulerAt('2026-11-26T21:00:00Z');
    await scheduler.advanceTo(new Date('2026-11-28T12:00:00+09:00'));
    expect(seen.map((run) => `${run.name} ${run.scheduledTime}`)).toEqual([
      'noticeRun 2026-11-27T08:00:00+09:00',
      'chargeRun 2026-11-27T10:00:00+09:00',
      'chargeRun 2026-11-27T17:00:00+09:00',
      'maintenanceRun 2026-11-28T04:00:00+09:00',
      'noticeRun 2026-11-28T08:00:00+09:00',
      'chargeRun 2026-11-28T10:00:00+09:00',
    ]);
    for (const run of seen) expect(new Date(run.clockAtRun).getTime()).toBe(new Date(run.scheduledTime).getTime());
    expect(clock.now().toISOString()).toBe('2026-11-28T03:00:00.000Z');
  });

  it('fires a run once even when the clock is moved to exactly its time and then past it', async () => {
    const { scheduler, seen } = schedulerAt('2026-11-26T21:00:00Z');
    await scheduler.advanceTo(new Date('2026-11-27T08:00:00+09:00'));
    await scheduler.advanceTo(new Date('2026-11-27T09:00:00+09:00'));
    expect(seen.map((run) => run.name)).toEqual(['noticeRun']);
  });

  it('fires what real time reaches, on tick', async () => {
    const { scheduler, seen, real } = schedulerAt('2026-11-26T22:59:59Z'); // 07:59:59 Seoul
    await scheduler.tick();
    expect(seen).toHaveLength(0);
    real.now += 2_000;
    await scheduler.tick();
    expect(seen.map((run) => run.scheduledTime)).toEqual(['2026-11-27T08:00:00+09:00']);
  });

  it('records a failed run and goes on with the next', async () => {
    const real = { now: Date.parse('2026-11-26T21:00:00Z') };
    const clock = new LocalClock(() => real.now);
    const scheduler = new LocalScheduler(runTimesFrom({}), clock, async (name) => {
      if (name === 'noticeRun') throw new Error('boom');
      return 'ok';
    });
    const fired = await scheduler.advanceTo(new Date('2026-11-27T11:00:00+09:00'));
    expect(fired.map((run) => [run.functionName, run.ok])).toEqual([['noticeRun', false], ['chargeRun', true]]);
    expect(fired[0]?.error).toBe('boom');
  });

  it('refuses to go back or to jump more than a year', async () => {
    const { scheduler } = schedulerAt('2026-11-26T21:00:00Z');
    await expect(scheduler.advanceTo(new Date('2026-11-01T00:00:00Z'))).rejects.toThrow(RangeError);
    await expect(scheduler.advanceTo(new Date('2028-01-01T00:00:00Z'))).rejects.toThrow(/366 days/);
  });
});

/**
 * The local clock persists with LOCAL_DATA (issues 16, 17): a restarted system
 * continues where it stood — the clock, and which runs have fired — never
 * goes back, and starts at the real time in memory.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ClockMemory, LocalClock, type ClockState } from '../../local/clock.ts';
import { LocalScheduler, runTimesFrom } from '../../local/scheduler.ts';

const folders: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'clock-memory-'));
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

/** One "process": a clock and a scheduler started from what the folder kept, at real time `realNow`. */
function boot(memory: ClockMemory, real: { now: number }, fired: string[], options: { dieAt?: string } = {}) {
  const kept = memory.load();
  const clock = new LocalClock(() => real.now, kept?.now);
  const scheduler = new LocalScheduler(
    runTimesFrom({}),
    clock,
    async (name, scheduledTime) => {
      // A process killed in the middle of this run: it never returns, and nothing after it is remembered.
      if (scheduledTime === options.dieAt) return new Promise(() => undefined);
      fired.push(`${name} ${scheduledTime}`);
      return 'ok';
    },
    async () => undefined,
    { ...(kept ? { firedUpTo: kept.firedUpTo } : {}), save: (state) => memory.save(state) },
  );
  return { clock, scheduler };
}

describe('ClockMemory', () => {
  it('keeps the clock in the data folder as clock.json, and nothing in memory', () => {
    const dir = dataDir();
    const state: ClockState = { now: new Date('2026-12-13T10:30:00.250+09:00'), firedUpTo: new Date('2026-12-13T10:00:00+09:00') };
    ClockMemory.open(dir).save(state);
    expect(ClockMemory.open(dir).load()).toEqual(state);
    expect(JSON.parse(readFileSync(join(dir, 'clock.json'), 'utf8'))).toEqual({ now: '2026-12-13T01:30:00.250Z', firedUpTo: '2026-12-13T01:00:00.000Z' });
    const memory = ClockMemory.open(null);
    memory.save(state);
    expect(memory.load()).toBeUndefined();
  });

  it('starts at the real time from a folder without a clock, or with an unreadable one', () => {
    const dir = dataDir();
    expect(ClockMemory.open(dir).load()).toBeUndefined();
    writeFileSync(join(dir, 'clock.json'), '{"now": "half a');
    expect(ClockMemory.open(dir).load()).toBeUndefined();
  });
});

describe('a restarted local system', () => {
  it('continues where its clock stood, without firing a run twice', async () => {
    const memory = ClockMemory.open(dataDir());
    const real = { now: Date.parse('2026-11-27T06:00:00+09:00') };
    const fired: string[] = [];
    const first = boot(memory, real, fired);
    await first.scheduler.advanceTo(new Date('2026-12-13T10:30:00+09:00'));
    await first.scheduler.stop();
    const before = fired.length;

    // An hour of real time later, the clock is where it stood (plus nothing: it stood still while stopped).
    real.now += 3_600_000;
    const second = boot(memory, real, fired);
    expect(second.clock.now().toISOString()).toBe(new Date('2026-12-13T10:30:00+09:00').toISOString());
    await second.scheduler.tick();
    expect(fired).toHaveLength(before);
    await second.scheduler.advanceTo(new Date('2026-12-13T17:30:00+09:00'));
    expect(fired.slice(before)).toEqual(['chargeRun 2026-12-13T17:00:00+09:00']);
    // The clock only moves forward, also across a restart.
    await expect(second.scheduler.advanceTo(new Date('2026-12-13T09:00:00+09:00'))).rejects.toThrow(RangeError);
  });

  it('fires again a run the process died in, and catches up with real time when it had fallen behind', async () => {
    const memory = ClockMemory.open(dataDir());
    const real = { now: Date.parse('2026-11-27T06:00:00+09:00') };
    const fired: string[] = [];
    const first = boot(memory, real, fired, { dieAt: '2026-11-27T10:00:00+09:00' });
    void first.scheduler.advanceTo(new Date('2026-11-27T12:00:00+09:00'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual(['noticeRun 2026-11-27T08:00:00+09:00']);

    // Restarted two days later by real time: the clock is not left behind it, and every run since the last one that finished fires.
    real.now = Date.parse('2026-11-29T09:00:00+09:00');
    const second = boot(memory, real, fired);
    expect(second.clock.now().getTime()).toBe(real.now);
    await second.scheduler.tick();
    expect(fired).toEqual([
      'noticeRun 2026-11-27T08:00:00+09:00',
      'chargeRun 2026-11-27T10:00:00+09:00',
      'chargeRun 2026-11-27T17:00:00+09:00',
      'maintenanceRun 2026-11-28T04:00:00+09:00',
      'noticeRun 2026-11-28T08:00:00+09:00',
      'chargeRun 2026-11-28T10:00:00+09:00',
      'chargeRun 2026-11-28T17:00:00+09:00',
      'maintenanceRun 2026-11-29T04:00:00+09:00',
      'noticeRun 2026-11-29T08:00:00+09:00',
    ]);
  });

  it('in memory starts at the real time every time', () => {
    const real = { now: Date.parse('2026-11-27T06:00:00+09:00') };
    const clock = new LocalClock(() => real.now, ClockMemory.open(null).load()?.now);
    expect(clock.now().getTime()).toBe(real.now);
  });
});

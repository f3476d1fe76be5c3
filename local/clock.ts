import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Clock } from '../functions/core/clock.ts';

/**
 * The local simulated clock: real time plus an offset, so it keeps ticking,
 * and `POST /_local/clock` can jump it forward (never back: a run already
 * fired cannot be un-fired, as with a test clock).
 */
export class LocalClock implements Clock {
  private offsetMs: number;

  /** `startAt`: where a restarted system stood; never behind real time, so the clock never goes back. */
  constructor(
    private readonly realNow: () => number = Date.now,
    startAt?: Date,
  ) {
    this.offsetMs = startAt ? Math.max(0, startAt.getTime() - realNow()) : 0;
  }

  now(): Date {
    return new Date(this.realNow() + this.offsetMs);
  }

  /** Sets the clock to `to`; refuses to go back in time. */
  moveTo(to: Date): void {
    const delta = to.getTime() - this.now().getTime();
    if (delta < 0) throw new RangeError('The clock only moves forward.');
    this.offsetMs += delta;
  }
}

/** Where the simulated time stood: the clock, and the instant up to which every scheduled run has fired. */
export interface ClockState {
  readonly now: Date;
  readonly firedUpTo: Date;
}

/**
 * The clock kept with the data (LOCAL_DATA/clock.json), so that a restarted
 * system continues where it stood instead of at the real time, with its data
 * two weeks ahead of it. In memory (LOCAL_DATA=memory) nothing is kept: each
 * start is at the real time.
 */
export class ClockMemory {
  private constructor(private readonly file: string | null) {}

  static open(dataDir: string | null): ClockMemory {
    return new ClockMemory(dataDir ? join(dataDir, 'clock.json') : null);
  }

  /** What was kept, or undefined (in memory, on a first start, or an unreadable file: then the clock starts at the real time). */
  load(): ClockState | undefined {
    if (!this.file || !existsSync(this.file)) return undefined;
    try {
      const kept = JSON.parse(readFileSync(this.file, 'utf8')) as { now?: unknown; firedUpTo?: unknown };
      const now = new Date(String(kept.now));
      const firedUpTo = new Date(String(kept.firedUpTo));
      if (Number.isNaN(now.getTime()) || Number.isNaN(firedUpTo.getTime())) return undefined;
      return { now, firedUpTo: firedUpTo > now ? now : firedUpTo };
    } catch {
      return undefined;
    }
  }

  /** Write, then rename: a process killed mid-write leaves the previous state, never half a file. */
  save(state: ClockState): void {
    if (!this.file) return;
    const temporary = `${this.file}.${process.pid}.tmp`;
    // Milliseconds kept (a second's truncation would set the clock back a little on restart).
    writeFileSync(temporary, `${JSON.stringify({ now: state.now.toISOString(), firedUpTo: state.firedUpTo.toISOString() })}\n`);
    renameSync(temporary, this.file);
  }
}

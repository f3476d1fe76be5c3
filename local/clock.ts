import type { Clock } from '../functions/core/clock.ts';

/**
 * The local simulated clock: real time plus an offset, so it keeps ticking,
 * and `POST /_local/clock` can jump it forward (never back: a run already
 * fired cannot be un-fired, as with a test clock).
 */
export class LocalClock implements Clock {
  private offsetMs = 0;

  constructor(private readonly realNow: () => number = Date.now) {}

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

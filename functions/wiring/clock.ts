import { systemClock, type Clock } from '../core/clock.ts';

let currentClock: Clock = systemClock;

/**
 * Replaces the time source. Only the local runtime (its controllable clock)
 * and tests call this; in AWS the clock is the system clock.
 */
export function useClock(replacement: Clock): void {
  currentClock = replacement;
}

/** The clock every use case reads: the system clock, or the local runtime's. */
export const clock: Clock = { now: () => currentClock.now() };

/** Time is injected everywhere so that every scheduled behaviour is testable by moving the clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still at `at` until moved: for tests. */
export function fixedClock(at: string | Date): Clock & { set(to: string | Date): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set: (to) => {
      current = new Date(to);
    },
  };
}

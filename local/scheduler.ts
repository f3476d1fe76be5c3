/**
 * Local EventBridge Scheduler: fires the scheduled functions of
 * system/functions.ts at their Asia/Seoul times against the local clock, one
 * run at a time. `advanceTo` is the test clock: it walks the clock forward
 * through every run time in between, firing each run at its own time, in order.
 * After each run it waits for `afterRun` — the local runtime drains the work
 * queues there — so a run's queued work is done, at the run's time, before
 * the clock moves on to the next run.
 *
 * With a data folder the clock and the last fired run are remembered
 * (ClockMemory), before and after each run: a restarted system continues where
 * it stood, and a run that was cut short by the process dying fires again.
 */
import { parseRunTime, runTimesEnvName, scheduledFunctions, SCHEDULE_DEFAULTS, type FunctionName } from '../system/functions.ts';
import { addDays, seoulDate, seoulInstant, seoulTimestamp } from '../functions/core/dates.ts';
import type { ClockState, LocalClock } from './clock.ts';

export interface RunTime {
  readonly functionName: FunctionName;
  readonly hour: number;
  readonly minute: number;
}

export interface FiredRun {
  readonly functionName: FunctionName;
  readonly scheduledTime: string;
  readonly ok: boolean;
  readonly result?: unknown;
  readonly error?: string;
}

/** At most this far in one jump: a year of daily runs is plenty for any walkthrough or test. */
export const MAX_JUMP_DAYS = 366;

/** The run times of every scheduled function, from the settings (env, comma-separated HH:mm) or the shared defaults. */
export function runTimesFrom(env: NodeJS.ProcessEnv): RunTime[] {
  return scheduledFunctions().flatMap(([functionName, definition]) => {
    const configured = env[runTimesEnvName(definition.timesSetting)]?.split(',').map((time) => time.trim()).filter(Boolean);
    const times = configured?.length ? configured : SCHEDULE_DEFAULTS[definition.timesSetting];
    return times.map((time) => ({ functionName, ...parseRunTime(time) }));
  });
}

/** The queues' side of time: messages that become deliverable later (delays, visibility timeouts). */
export interface DelayedWork {
  nextVisibleAt(): Date | undefined;
  release(now: Date): void;
  /** Resolves when everything deliverable has been worked on. */
  drain(): Promise<void>;
}

/** Where the scheduler keeps the clock across restarts (local/clock.ts, ClockMemory). */
export interface SchedulerMemory {
  /** Up to where runs had fired before a restart; the runs since then fire at the next tick or move. */
  readonly firedUpTo?: Date;
  save(state: ClockState): void;
}

/** While only real time passes, the clock is remembered this often (a killed process loses at most this much). */
const REMEMBER_EVERY_MS = 5_000;

export class LocalScheduler {
  private lastFiredUpTo: Date;
  private lastRememberedAt = 0;
  private chain: Promise<unknown> = Promise.resolve();
  private ticker: NodeJS.Timeout | undefined;
  readonly history: FiredRun[] = [];

  constructor(
    readonly runTimes: readonly RunTime[],
    private readonly clock: LocalClock,
    private readonly invoke: (functionName: FunctionName, scheduledTime: string) => Promise<unknown>,
    private readonly afterRun: (functionName: FunctionName) => Promise<void> = async () => undefined,
    private readonly memory?: SchedulerMemory,
    private readonly delayed?: DelayedWork,
  ) {
    const now = clock.now();
    // A system restarted long after it stopped catches up on at most a year of runs, as one move could.
    const earliest = new Date(now.getTime() - MAX_JUMP_DAYS * 86_400_000);
    const kept = memory?.firedUpTo;
    this.lastFiredUpTo = kept && kept < now ? (kept > earliest ? kept : earliest) : now;
  }

  /** Run occurrences in (from, to], in time order (ties in definition order). */
  occurrences(from: Date, to: Date): Array<{ functionName: FunctionName; at: Date }> {
    const found: Array<{ functionName: FunctionName; at: Date }> = [];
    for (let date = seoulDate(from); date <= seoulDate(to); date = addDays(date, 1)) {
      for (const run of this.runTimes) {
        const at = seoulInstant(date, run.hour, run.minute);
        if (at > from && at <= to) found.push({ functionName: run.functionName, at });
      }
    }
    return found.sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** Moves the clock to `target`, firing every run in between at its own time. */
  advanceTo(target: Date): Promise<FiredRun[]> {
    return this.serialized(async () => {
      const now = this.clock.now();
      if (target < now) throw new RangeError('The clock only moves forward.');
      if (target.getTime() - now.getTime() > MAX_JUMP_DAYS * 86_400_000) throw new RangeError(`Move the clock at most ${MAX_JUMP_DAYS} days at a time.`);
      const fired: FiredRun[] = [];
      for (;;) {
        const [occurrence] = this.occurrences(this.lastFiredUpTo, target);
        // A retry whose visibility timeout ends before the next run is delivered then, at its own time.
        const visible = this.delayed?.nextVisibleAt();
        if (visible && visible <= target && (!occurrence || visible < occurrence.at)) {
          if (visible > this.clock.now()) this.clock.moveTo(visible);
          this.delayed!.release(this.clock.now());
          await this.delayed!.drain();
          continue;
        }
        if (!occurrence) break;
        if (occurrence.at > this.clock.now()) this.clock.moveTo(occurrence.at);
        fired.push(await this.fireRemembered(occurrence.functionName, occurrence.at));
      }
      // A run at exactly `target` may have taken the (ticking) clock past it already.
      if (target > this.clock.now()) this.clock.moveTo(target);
      this.lastFiredUpTo = target;
      this.remember();
      return fired;
    });
  }

  /** Fires what real time has reached since the last check (the clock keeps ticking between jumps). */
  tick(): Promise<FiredRun[]> {
    return this.serialized(async () => {
      const now = this.clock.now();
      this.delayed?.release(now);
      const fired: FiredRun[] = [];
      for (const occurrence of this.occurrences(this.lastFiredUpTo, now)) fired.push(await this.fireRemembered(occurrence.functionName, occurrence.at));
      this.lastFiredUpTo = now;
      if (Date.now() - this.lastRememberedAt >= REMEMBER_EVERY_MS) this.remember();
      return fired;
    });
  }

  start(intervalMs = 1000): void {
    this.ticker = setInterval(() => void this.tick(), intervalMs);
    this.ticker.unref();
  }

  async stop(): Promise<void> {
    if (this.ticker) clearInterval(this.ticker);
    await this.chain.catch(() => undefined);
    this.remember();
  }

  /** Fires one run, remembered before (not fired yet: a restart fires it again) and after (fired). */
  private async fireRemembered(functionName: FunctionName, at: Date): Promise<FiredRun> {
    this.remember();
    const run = await this.fire(functionName, at);
    this.lastFiredUpTo = at;
    this.remember();
    return run;
  }

  private remember(): void {
    if (!this.memory) return;
    this.memory.save({ now: this.clock.now(), firedUpTo: this.lastFiredUpTo });
    this.lastRememberedAt = Date.now();
  }

  private async fire(functionName: FunctionName, at: Date): Promise<FiredRun> {
    const scheduledTime = seoulTimestamp(at);
    let run: FiredRun;
    try {
      run = { functionName, scheduledTime, ok: true, result: await this.invoke(functionName, scheduledTime) };
    } catch (error) {
      run = { functionName, scheduledTime, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
    // Also after a failed run: whatever it sent before failing is worked on, as in AWS.
    await this.afterRun(functionName);
    this.history.push(run);
    return run;
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.chain.then(work, work);
    this.chain = next.catch(() => undefined);
    return next;
  }
}

/**
 * The calendar rules of a subscription's schedule, as pure functions:
 * - the next delivery date by the buyer's cycle (S15);
 * - the charge runs' retry schedule after a declined card (S17).
 * All dates are Seoul calendar dates (`YYYY-MM-DD`), all instants are Dates.
 */
import { CHARGE_RETRY } from '../../system/functions.ts';
import { addDays, seoulDate, seoulInstant, type IsoDate } from '../core/dates.ts';
import type { CycleCode } from './product.ts';

type Step = { readonly weeks: number } | { readonly months: number };

const STEPS: Readonly<Record<CycleCode, Step>> = {
  '1w': { weeks: 1 },
  '2w': { weeks: 2 },
  '3w': { weeks: 3 },
  '4w': { weeks: 4 },
  '1m': { months: 1 },
  '2m': { months: 2 },
  '3m': { months: 3 },
  '4m': { months: 4 },
  '5m': { months: 5 },
  '6m': { months: 6 },
  '1y': { months: 12 },
};

function daysInMonth(year: number, month: number): number {
  // Day 0 of the next month is the last day of this one (month is 1-based here, 0-based for Date.UTC).
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * The delivery after `current` for a subscription on `cycle` that started on
 * `anchor` (its startDate).
 *
 * Weeks add 7 days each. Months (and '1y', twelve of them) keep the ANCHOR
 * day — the start date's day of the month — and clamp it to the month's last
 * day: a subscription started on Jan 31 delivers Feb 28 (29 in a leap year),
 * Mar 31, Apr 30, … — it does not drift to the 28th for good. A yearly one
 * started on Feb 29 delivers Feb 28 in common years and Feb 29 in leap years.
 */
export function nextDeliveryDate(cycle: CycleCode, anchor: IsoDate, current: IsoDate): IsoDate {
  const step = STEPS[cycle];
  if ('weeks' in step) return addDays(current, step.weeks * 7);
  const [year, month] = current.split('-').map(Number) as [number, number];
  const anchorDay = Number(anchor.slice(8, 10));
  const index = year * 12 + (month - 1) + step.months;
  const nextYear = Math.floor(index / 12);
  const nextMonth = (index % 12) + 1;
  const day = Math.min(anchorDay, daysInMonth(nextYear, nextMonth));
  return `${String(nextYear).padStart(4, '0')}-${String(nextMonth).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** A daily run time, Asia/Seoul wall clock. */
export interface RunTime {
  readonly hour: number;
  readonly minute: number;
}

/**
 * S17 says the charge happens the day before delivery; a declined card is
 * retried at every charge run for this many days after the charge date (the
 * last attempt is the last run on chargeDate + 3), then the cycle fails.
 */
export const CHARGE_RETRY_DAYS = CHARGE_RETRY.defaultDays;

const byTimeOfDay = (runs: readonly RunTime[]): RunTime[] => [...runs].sort((a, b) => a.hour * 60 + a.minute - (b.hour * 60 + b.minute));

/** The first run strictly after `at` (runs happen every day, so it is today's or tomorrow's). */
export function nextRunAfter(at: Date, runs: readonly RunTime[]): Date {
  if (runs.length === 0) throw new Error('There are no charge run times');
  const sorted = byTimeOfDay(runs);
  const today = seoulDate(at);
  for (const date of [today, addDays(today, 1)]) {
    for (const run of sorted) {
      const instant = seoulInstant(date, run.hour, run.minute);
      if (instant.getTime() > at.getTime()) return instant;
    }
  }
  // Unreachable: tomorrow's first run is always after `at`.
  throw new Error('No run after the given time');
}

/** The last charge run a declined cycle is tried at: the last run on chargeDate + retryDays (a setting, default 3). */
export function lastChargeAttempt(chargeDate: IsoDate, runs: readonly RunTime[], retryDays: number = CHARGE_RETRY_DAYS): Date {
  const last = byTimeOfDay(runs).at(-1);
  if (!last) throw new Error('There are no charge run times');
  return seoulInstant(addDays(chargeDate, retryDays), last.hour, last.minute);
}

/**
 * After a failed attempt at the run scheduled for `failedAt`: when the next
 * attempt is due, or null when that was the last one (the next run falls
 * after the retry window).
 */
export function nextChargeAttempt(chargeDate: IsoDate, failedAt: Date, runs: readonly RunTime[], retryDays: number = CHARGE_RETRY_DAYS): Date | null {
  const next = nextRunAfter(failedAt, runs);
  return next.getTime() <= lastChargeAttempt(chargeDate, runs, retryDays).getTime() ? next : null;
}

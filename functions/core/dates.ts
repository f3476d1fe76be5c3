/**
 * Calendar dates are `YYYY-MM-DD` in Asia/Seoul, whatever the machine's zone.
 * Korea has had no daylight-saving time since 1988, so Seoul is UTC+9 for every
 * date this system handles, and a fixed offset is exact (and much cheaper than
 * Intl per call in the daily runs).
 */

const SEOUL_OFFSET_MS = 9 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export type IsoDate = string;

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const parsed = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === value;
}

/** The Seoul calendar date of an instant. */
export function seoulDate(at: Date): IsoDate {
  return new Date(at.getTime() + SEOUL_OFFSET_MS).toISOString().slice(0, 10);
}

/** `date` plus `days` (negative to go back), as a calendar date. */
export function addDays(date: IsoDate, days: number): IsoDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** ISO 8601 with the Seoul offset, e.g. `2026-11-27T18:51:00+09:00`: the contract's timestamp form. */
export function seoulTimestamp(at: Date): string {
  return new Date(at.getTime() + SEOUL_OFFSET_MS).toISOString().replace(/\.\d{3}Z$/, '+09:00');
}

/** The instant at which a Seoul wall-clock time happens on a Seoul date. */
export function seoulInstant(date: IsoDate, hour: number, minute: number): Date {
  return new Date(Date.parse(`${date}T00:00:00Z`) - SEOUL_OFFSET_MS + (hour * 60 + minute) * 60 * 1000);
}

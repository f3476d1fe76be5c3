/**
 * The shop's delivery calendar (issue 14): a delivery that falls on a day the
 * shop does not deliver (sundays, saturdays, Korean public holidays) moves to
 * the nearest allowed day in the direction the merchant chose. The notice
 * (D-2) and the charge (D-1) follow the MOVED date (S17); the cycle's anchor
 * never moves: the next delivery is computed from the anchor and the previous
 * NOMINAL date, then moved (so a Jan-31 delivery moved to Feb 1 still leads to
 * a Feb-28 one, not a March one).
 *
 * The public holidays come from `@hyunbinseo/holidays-kr`, built from the
 * gazette's 월력요항 (lunar holidays, substitute holidays and election days
 * included), never from a list typed here. Its `/all` export holds every year
 * it knows synchronously; a date in a year it does not know fails with
 * HOLIDAY_DATA_UNAVAILABLE — never silently unshifted.
 */
import * as holidaysByYear from '@hyunbinseo/holidays-kr/all';
import { addDays, type IsoDate } from '../core/dates.ts';
import { AppError } from '../core/errors.ts';
import { nextDeliveryDate } from './delivery-schedule.ts';
import type { CycleCode } from './product.ts';

export interface DeliveryCalendar {
  readonly avoid: { readonly sundays: boolean; readonly saturdays: boolean; readonly publicHolidays: boolean };
  readonly shift: 'later' | 'earlier';
}

/** Off by default: every day is a delivery day until the merchant says otherwise. */
export const DEFAULT_DELIVERY_CALENDAR: DeliveryCalendar = { avoid: { sundays: false, saturdays: false, publicHolidays: false }, shift: 'later' };

/**
 * The longest run of avoided days a shift may cross. The longest real one is
 * 2025's 추석 with 개천절 and 한글날 plus a weekend (Oct 3–9, seven days); two
 * weeks leaves margin and still catches a setting that leaves no delivery day.
 */
export const MAX_SHIFT_DAYS = 14;

/** The holiday data does not reach a date the shop's calendar needs: the shop is told, nothing is guessed. */
export class HolidayDataUnavailable extends AppError {
  constructor(readonly date: IsoDate) {
    super(
      409,
      'HOLIDAY_DATA_UNAVAILABLE',
      `The public-holiday data ends in ${lastHolidayYear()}; ${date} cannot be checked against public holidays. Update @hyunbinseo/holidays-kr, or stop avoiding public holidays.`,
    );
  }
}

/** The setting leaves no day to deliver on within MAX_SHIFT_DAYS of some date. */
export class NoDeliveryDay extends AppError {
  constructor(date: IsoDate) {
    super(422, 'NO_DELIVERY_DAY', `No allowed delivery day lies within ${MAX_SHIFT_DAYS} days of ${date}; allow more days.`);
  }
}

type YearTable = Readonly<Record<string, readonly string[]>>;
let holidayTables: ReadonlyMap<number, YearTable> | undefined;
/**
 * The gazette's tables by year, built on first use rather than at module load: a module that imports only
 * DEFAULT_DELIVERY_CALENDAR (the shops repository) then leaves the holiday data out of its bundle (issue 12).
 */
function holidays(): ReadonlyMap<number, YearTable> {
  holidayTables ??= new Map(Object.entries(holidaysByYear as unknown as Record<string, YearTable>).map(([name, table]) => [Number(name.slice(1)), table]));
  return holidayTables;
}

function lastHolidayYear(): number {
  return Math.max(...holidays().keys());
}

/** The years the holiday data covers, first and last. */
export function holidayDataYears(): { readonly first: number; readonly last: number } {
  return { first: Math.min(...holidays().keys()), last: lastHolidayYear() };
}

/** The gazette's names of a Seoul date's public holidays (`[]` on an ordinary day); throws beyond the data. */
export function publicHolidayNames(date: IsoDate): readonly string[] {
  const table = holidays().get(Number(date.slice(0, 4)));
  if (!table) throw new HolidayDataUnavailable(date);
  return table[date] ?? [];
}

/** 0 = Sunday … 6 = Saturday, of a calendar date (no time zone involved). */
function weekday(date: IsoDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay();
}

/** Why the shop does not deliver on `date` (e.g. `['일요일']`, `['설날']`), or `[]` when it does. */
export function avoidedBecause(date: IsoDate, calendar: DeliveryCalendar): readonly string[] {
  const reasons: string[] = [];
  const day = weekday(date);
  if (calendar.avoid.sundays && day === 0) reasons.push('일요일');
  if (calendar.avoid.saturdays && day === 6) reasons.push('토요일');
  if (calendar.avoid.publicHolidays) reasons.push(...publicHolidayNames(date));
  return reasons;
}

export const isDeliveryDay = (date: IsoDate, calendar: DeliveryCalendar): boolean => avoidedBecause(date, calendar).length === 0;

function nearestAllowed(date: IsoDate, calendar: DeliveryCalendar, step: 1 | -1): IsoDate | null {
  for (let offset = 0; offset <= MAX_SHIFT_DAYS; offset += 1) {
    const candidate = addDays(date, step * offset);
    if (isDeliveryDay(candidate, calendar)) return candidate;
  }
  return null;
}

/**
 * `date` moved to the nearest allowed delivery day in the shop's direction
 * (itself when allowed). `notBefore` keeps an earlier shift from moving a
 * delivery before a limit (today + 3 for a first delivery, the day after the
 * previous delivery for a later one): then it moves later instead.
 */
export function shiftDelivery(date: IsoDate, calendar: DeliveryCalendar, options: { readonly notBefore?: IsoDate } = {}): IsoDate {
  if (calendar.shift === 'earlier') {
    const earlier = nearestAllowed(date, calendar, -1);
    if (earlier && (options.notBefore === undefined || earlier >= options.notBefore)) return earlier;
  }
  const later = nearestAllowed(date, calendar, 1);
  if (!later) throw new NoDeliveryDay(date);
  return later;
}

/** A delivery as the schedule says (nominal, from the anchor) and as it happens (moved), with its S17 days. */
export interface ScheduledDelivery {
  /** The date the cycle rule gives, from the anchor; the next cycle is computed from this one. */
  readonly nominalDate: IsoDate;
  /** The delivery date after the shop's calendar: the cycle's key, and the date shown to the buyer. */
  readonly deliveryDate: IsoDate;
  /** S17: D-2 and D-1 of the moved date. */
  readonly noticeDate: IsoDate;
  readonly chargeDate: IsoDate;
}

/** The delivery on nominal date `nominal`, moved by the shop's calendar. */
export function scheduleDelivery(nominal: IsoDate, calendar: DeliveryCalendar, options: { readonly notBefore?: IsoDate } = {}): ScheduledDelivery {
  const deliveryDate = shiftDelivery(nominal, calendar, options);
  return { nominalDate: nominal, deliveryDate, noticeDate: addDays(deliveryDate, -2), chargeDate: addDays(deliveryDate, -1) };
}

/**
 * The delivery after the one whose NOMINAL date is `previousNominal`, for a
 * subscription on `cycle` anchored at `anchor` (its start date): the cycle rule
 * from the anchor (S15), then the shop's calendar. An earlier shift never moves
 * it onto or before the previous (moved) delivery.
 */
export function nextScheduledDelivery(
  cycle: CycleCode,
  anchor: IsoDate,
  previous: { readonly nominalDate: IsoDate; readonly deliveryDate: IsoDate },
  calendar: DeliveryCalendar,
): ScheduledDelivery {
  const nominal = nextDeliveryDate(cycle, anchor, previous.nominalDate);
  return scheduleDelivery(nominal, calendar, { notBefore: addDays(previous.deliveryDate, 1) });
}

/** A delivery as the runs plan it: its (moved) date, the cycle rule's date, and whether the holiday check was possible. */
export interface PlannedDelivery {
  readonly deliveryDate: IsoDate;
  readonly nominalDate: IsoDate;
  /** The holiday data did not reach the date: moved for the weekdays the shop avoids only (the operator is told). */
  readonly holidaysUnchecked?: boolean;
}

/**
 * `shiftDelivery` for the daily runs, which must not fail a notice or a charge already under way because the
 * holiday package's data ends: beyond the data, the date is moved by the shop's other rules (weekdays) and
 * marked `holidaysUnchecked`, and the notice run tells the operator (never silently unshifted).
 */
export function shiftDeliveryOrUnchecked(date: IsoDate, calendar: DeliveryCalendar, options: { readonly notBefore?: IsoDate } = {}): { readonly deliveryDate: IsoDate; readonly holidaysUnchecked?: true } {
  try {
    return { deliveryDate: shiftDelivery(date, calendar, options) };
  } catch (error) {
    if (!(error instanceof HolidayDataUnavailable)) throw error;
    return { deliveryDate: shiftDelivery(date, { ...calendar, avoid: { ...calendar.avoid, publicHolidays: false } }, options), holidaysUnchecked: true };
  }
}

/** `nextScheduledDelivery` for the daily runs: moved by `shiftDeliveryOrUnchecked`. */
export function nextScheduledDeliveryOrUnchecked(
  cycle: CycleCode,
  anchor: IsoDate,
  previous: { readonly nominalDate: IsoDate; readonly deliveryDate: IsoDate },
  calendar: DeliveryCalendar,
): PlannedDelivery {
  const nominalDate = nextDeliveryDate(cycle, anchor, previous.nominalDate);
  return { nominalDate, ...shiftDeliveryOrUnchecked(nominalDate, calendar, { notBefore: addDays(previous.deliveryDate, 1) }) };
}

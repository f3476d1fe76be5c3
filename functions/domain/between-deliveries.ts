/**
 * What a buyer changes between deliveries (issue 13): skip, pause and resume,
 * a change of cycle, items, address or date, a new card — and the history that
 * records each. Pure rules; the use cases (functions/use-cases/between-deliveries/*)
 * read, ask these, and write.
 *
 * Dates: a subscription's deliveries stay on its anchor (the start date, S15):
 * the cycle rule gives NOMINAL dates from it (delivery-schedule.ts) and the
 * shop's calendar moves each (delivery-calendar.ts). A pause remembers the
 * nominal date it stopped at, so a resume lands back on the same rhythm.
 */
import { addDays, type IsoDate } from '../core/dates.ts';
import { scheduleDelivery, type DeliveryCalendar, type ScheduledDelivery } from './delivery-calendar.ts';
import { nextDeliveryDate } from './delivery-schedule.ts';
import type { StartDateWindow } from './shop.ts';
import type { Subscription, SubscriptionItem } from './subscription.ts';

/** Who made a change: the buyer, the shop's admin (on the buyer's behalf), or the service itself (an automatic resume). */
export interface Actor {
  readonly role: 'customer' | 'admin' | 'system';
  readonly id: string;
}

export type HistoryAction = 'skip' | 'pause' | 'resume' | 'change' | 'card' | 'cancel';

/** One change on the subscription's history: who, when, what. */
export interface HistoryEntry {
  readonly at: string;
  readonly by: Actor;
  readonly action: HistoryAction;
  /** What changed, in the API's words (e.g. `{deliveryDate}` for a skip, `{cycle: {from, to}}` for a change). */
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * The history is kept on the subscription item itself, the last HISTORY_LIMIT
 * entries: each entry is written by the same conditional write as the change
 * it records, so no crash can keep one without the other, and the detail view
 * reads it with the item. 50 entries of ~200 bytes stay ~10 KB, far below the
 * item limit (400 KB); older entries drop off (a year of weekly skips fits).
 */
export const HISTORY_LIMIT = 50;

/** The subscription with one more history entry (the oldest dropped beyond HISTORY_LIMIT). */
export function withHistory(subscription: Subscription, entry: HistoryEntry): Subscription {
  return { ...subscription, history: [...(subscription.history ?? []), entry].slice(-HISTORY_LIMIT) };
}

export function toHistoryView(history: readonly HistoryEntry[] | undefined) {
  return (history ?? []).map(({ at, by, action, details }) => ({ at, by: { role: by.role, id: by.id }, action, details: { ...details } }));
}

/** How a subscription was paused, while PAUSED. */
export interface Pause {
  readonly since: string;
  /** Paused until this date: deliveries resume with the first one on or after it. */
  readonly until?: IsoDate;
  /** Paused for this many deliveries (the next one counts as the first). */
  readonly cycles?: number;
  /** The delivery (nominal date) it resumes with by itself; absent for a pause without an end (resumed by the buyer). */
  readonly resumesOn?: IsoDate;
  /** The nominal date of the delivery it was paused before: a resume continues the anchor's rhythm from here. */
  readonly fromNominal: IsoDate;
}

/** A card change opened by POST /subscriptions/{id}/card; its checkout finishes it. */
export interface CardChange {
  readonly at: string;
}

/** Limits of a pause request: at most a year, or 12 deliveries. */
export const MAX_PAUSE_DAYS = 366;
export const MAX_PAUSE_CYCLES = 12;

/** The nominal date of the subscription's next delivery (before the shop's calendar moved it). */
export function nextNominal(subscription: Pick<Subscription, 'nextNominalDate' | 'nextDeliveryDate'>): IsoDate | null {
  return subscription.nextNominalDate ?? subscription.nextDeliveryDate;
}

/** The `n`-th nominal delivery after `nominal` on the subscription's anchor. */
export function nominalAfter(subscription: Pick<Subscription, 'cycle' | 'startDate'>, nominal: IsoDate, n: number): IsoDate {
  let date = nominal;
  for (let i = 0; i < n; i += 1) date = nextDeliveryDate(subscription.cycle, subscription.startDate, date);
  return date;
}

/** The first nominal delivery on or after `date`, counting from `nominal` (itself included). */
export function firstNominalFrom(subscription: Pick<Subscription, 'cycle' | 'startDate'>, nominal: IsoDate, date: IsoDate): IsoDate {
  let current = nominal;
  while (current < date) current = nextDeliveryDate(subscription.cycle, subscription.startDate, current);
  return current;
}

/**
 * The pause a request asks for, from the next delivery on: `cycles: n` resumes
 * with the delivery after the n paused ones; `until` with the first delivery
 * on or after that date; neither pauses until the buyer resumes.
 */
export function pauseOf(subscription: Subscription, request: { readonly until?: IsoDate; readonly cycles?: number }, since: string): Pause {
  const fromNominal = nextNominal(subscription);
  if (fromNominal === null) throw new Error(`Subscription ${subscription.id} has no next delivery to pause`);
  const resumesOn =
    request.cycles !== undefined ? nominalAfter(subscription, fromNominal, request.cycles) : request.until !== undefined ? firstNominalFrom(subscription, fromNominal, request.until) : undefined;
  return {
    since,
    fromNominal,
    ...(request.until !== undefined ? { until: request.until } : {}),
    ...(request.cycles !== undefined ? { cycles: request.cycles } : {}),
    ...(resumesOn !== undefined ? { resumesOn } : {}),
  };
}

/**
 * The first day a delivery may be planned for today: the shop's minimum window
 * (its earliest start, S15), and never less than three days — a notice (D-2)
 * must still be ahead of the next notice run, never in the past.
 */
export function earliestDelivery(today: IsoDate, window: StartDateWindow): IsoDate {
  return addDays(today, Math.max(3, window.earliestDaysAhead));
}

/**
 * Whether a bounded pause has run out on `today`: its first delivery back is
 * within the shop's minimum window, so resuming now still announces it on time.
 * The daily maintenance run resumes those (functions/use-cases/runs/maintenance.ts).
 */
export function pauseRunsOut(pause: Pause | undefined, today: IsoDate, window: StartDateWindow): boolean {
  return pause?.resumesOn !== undefined && pause.resumesOn <= earliestDelivery(today, window);
}

/**
 * The candidate deliveries a resume may pick, in order: on the anchor, from the
 * nominal date the pause stopped at, none before `earliest` (moved by the
 * shop's calendar, never before it). The caller takes the first whose cycle
 * key is free (a skipped delivery is never planned again).
 */
export function* resumeCandidates(subscription: Subscription & { readonly pause: Pause }, earliest: IsoDate, calendar: DeliveryCalendar): Generator<ScheduledDelivery> {
  let nominal = firstNominalFrom(subscription, subscription.pause.fromNominal, addDays(earliest, -14));
  for (let i = 0; i < 200; i += 1) {
    const delivery = scheduleDelivery(nominal, calendar, { notBefore: earliest });
    if (delivery.deliveryDate >= earliest) yield delivery;
    nominal = nextDeliveryDate(subscription.cycle, subscription.startDate, nominal);
  }
}

/** The subscription's items after a PATCH of its item list: the listed ones ACTIVE at their quantity, the others kept as CANCELLED. */
export function replaceItems(current: readonly SubscriptionItem[], requested: ReadonlyArray<{ readonly productId: string; readonly quantity: number }>): SubscriptionItem[] {
  const wanted = new Map(requested.map((item) => [item.productId, item.quantity]));
  const kept = current.map((item) => (wanted.has(item.productId) ? { productId: item.productId, quantity: wanted.get(item.productId)!, status: 'ACTIVE' as const } : { ...item, status: 'CANCELLED' as const }));
  const added = requested.filter((item) => !current.some((existing) => existing.productId === item.productId)).map((item) => ({ productId: item.productId, quantity: item.quantity, status: 'ACTIVE' as const }));
  return [...kept, ...added];
}

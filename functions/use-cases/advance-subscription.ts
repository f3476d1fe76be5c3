/**
 * The subscription's advance past one of its cycles, one home for every writer:
 * the charge worker (a charged delivery, counted, may complete it), a buyer's
 * skip, the maintenance run's repair of a subscription left on a delivery that
 * is over — and the late count of a delivery charged after the subscription
 * moved past it (`countLateDelivery`). The domain's `advance` decides; this writes it once,
 * conditional on the version read, planning the next delivery first when the
 * notice did not (a racing change is read again).
 */
import { seoulTimestamp, type IsoDate } from '../core/dates.ts';
import type { Clock } from '../core/clock.ts';
import type { CyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import type { SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { advance, scheduledCycle, type Cycle } from '../domain/cycle.ts';
import { countLate } from '../domain/delivery-count.ts';
import type { DeliveryCalendar } from '../domain/delivery-calendar.ts';
import type { Subscription } from '../domain/subscription.ts';

export interface AdvanceDeps {
  readonly cycles: Pick<CyclesRepository, 'schedule'>;
  readonly subscriptions: Pick<SubscriptionsRepository, 'get' | 'update'>;
  readonly clock: Clock;
}

/** What an advance left: the subscription as last written or read (undefined if it is gone), and whether this call moved it. */
export interface Advance {
  readonly subscription: Subscription | undefined;
  readonly advanced: boolean;
}

/**
 * Moves the subscription on past `cycle` — counting it when `charged` (a charged delivery, which may complete the
 * subscription: the charge worker's case) — unless it already has (or is no longer ACTIVE), the next delivery
 * planned by the shop's `calendar`. `change` is applied to the advanced state before the write (a skip's history
 * entry, a cancel's items), so both land in one write. A racing writer makes it read again (five rounds at most).
 */
export async function advanceSubscription(
  deps: AdvanceDeps,
  cycle: Cycle,
  read: Subscription,
  today: IsoDate,
  calendar: DeliveryCalendar,
  options: { readonly charged?: boolean; readonly change?: (advanced: Subscription) => Subscription } = {},
): Promise<Advance> {
  const { subscription, written } = await writeDecided(deps, cycle.subscriptionId, read, 'being advanced', async (current) => {
    const next = advance(current, cycle, today, seoulTimestamp(deps.clock.now()), { calendar, charged: options.charged ?? false });
    if (!next) return undefined;
    // The plan of the next delivery exists unless the notice did not make it (then made here, before the advance).
    if (next.schedule) await deps.cycles.schedule(scheduledCycle(current, next.schedule));
    return options.change ? options.change(next.subscription) : next.subscription;
  });
  return { subscription, advanced: written };
}

/**
 * One home for the subscription's version-conditioned write of what `decide` makes of it: decided from the
 * subscription as read, written conditional on that version, decided again from a fresh read when another writer
 * got there first (five rounds at most). `decide` answering undefined: nothing to write. Answers the subscription
 * as last written or read (undefined if it is gone) and whether this call wrote it.
 */
async function writeDecided(
  deps: Pick<AdvanceDeps, 'subscriptions'>,
  subscriptionId: string,
  read: Subscription,
  what: string,
  decide: (subscription: Subscription) => Promise<Subscription | undefined>,
): Promise<{ readonly subscription: Subscription | undefined; readonly written: boolean }> {
  let subscription: Subscription | undefined = read;
  for (let round = 0; round < 5 && subscription; round += 1) {
    const next = await decide(subscription);
    if (!next) return { subscription, written: false };
    if (await deps.subscriptions.update(next, subscription.version ?? 0)) return { subscription: { ...next, version: (subscription.version ?? 0) + 1 }, written: true };
    subscription = await deps.subscriptions.get(subscriptionId);
  }
  if (subscription) throw new Error(`Subscription ${subscriptionId} kept changing while ${what}`);
  return { subscription: undefined, written: false };
}

/**
 * Moves the subscription on past a cycle that was not charged (a buyer's skip, the maintenance run's repair):
 * answers the subscription as written, or undefined when there was nothing to advance.
 */
export async function advancePast(
  deps: AdvanceDeps,
  cycle: Cycle,
  read: Subscription,
  today: IsoDate,
  calendar: DeliveryCalendar,
  change?: (advanced: Subscription) => Subscription,
): Promise<Subscription | undefined> {
  const result = await advanceSubscription(deps, cycle, read, today, calendar, change ? { change } : {});
  return result.advanced ? result.subscription : undefined;
}

/**
 * Counts a delivery charged after the subscription moved past it uncounted (a REVIEW resolved as charged, a
 * shop's retry of a FAILED cycle that paid; domain delivery-count.ts `countLate`), exactly once: one write
 * conditional on the version read, which adds 1 and takes the date out of `uncountedDeliveries`. Callers run it
 * BEFORE the cycle's CHARGED write (the review's resolve, the charge step's paid outcome), so a crash between
 * the two leaves the cycle open, and the repeat finds the date gone and counts nothing twice. A racing writer
 * makes it read again (five rounds at most). Answers the subscription as last written or read.
 */
export async function countLateDelivery(deps: Pick<AdvanceDeps, 'subscriptions' | 'clock'>, cycle: Cycle, read: Subscription): Promise<Subscription | undefined> {
  const { subscription } = await writeDecided(deps, cycle.subscriptionId, read, 'its late delivery was counted', async (current) => countLate(current, cycle, seoulTimestamp(deps.clock.now())));
  return subscription;
}

/**
 * The subscription's advance past one of its cycles outside the charge worker
 * (whose own `moveOn` also counts charged deliveries and completes the last):
 * a buyer's skip and the maintenance run's repair of a subscription left on a
 * delivery that is over. The domain's `advance` decides; this writes it once,
 * conditional on the version read, planning the next delivery first when the
 * notice did not (a racing change is read again).
 */
import { seoulTimestamp, type IsoDate } from '../core/dates.ts';
import type { Clock } from '../core/clock.ts';
import type { CyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import type { SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { advance, scheduledCycle, type Cycle } from '../domain/cycle.ts';
import type { DeliveryCalendar } from '../domain/delivery-calendar.ts';
import type { Subscription } from '../domain/subscription.ts';

export interface AdvanceDeps {
  readonly cycles: Pick<CyclesRepository, 'schedule'>;
  readonly subscriptions: Pick<SubscriptionsRepository, 'get' | 'update'>;
  readonly clock: Clock;
}

/**
 * Moves the subscription on past `cycle` — not a charged one: the charge worker's own advance counts it and
 * completes a final delivery (runs/charge-outcome.ts) — unless it already has (or is no longer ACTIVE), the next
 * delivery planned by the shop's `calendar`. `change` is applied to
 * the advanced state before the write (a skip's history entry, a cancel's items), so both land in one write.
 * Answers the subscription as written, or undefined when there was nothing to advance.
 */
export async function advancePast(
  deps: AdvanceDeps,
  cycle: Cycle,
  read: Subscription,
  today: IsoDate,
  calendar: DeliveryCalendar,
  change: (advanced: Subscription) => Subscription = (advanced) => advanced,
): Promise<Subscription | undefined> {
  let subscription: Subscription | undefined = read;
  for (let round = 0; round < 5 && subscription; round += 1) {
    const next = advance(subscription, cycle, today, seoulTimestamp(deps.clock.now()), { calendar, charged: false });
    if (!next) return undefined;
    // The plan of the next delivery exists unless the notice did not make it (then made here, before the advance).
    if (next.schedule) await deps.cycles.schedule(scheduledCycle(subscription, next.schedule));
    const written = change(next.subscription);
    if (await deps.subscriptions.update(written, subscription.version ?? 0)) return { ...written, version: (subscription.version ?? 0) + 1 };
    subscription = await deps.subscriptions.get(cycle.subscriptionId);
  }
  if (subscription) throw new Error(`Subscription ${cycle.subscriptionId} kept changing while being advanced`);
  return undefined;
}

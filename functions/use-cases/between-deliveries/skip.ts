import { seoulDate, seoulTimestamp, type IsoDate } from '../../core/dates.ts';
import { Conflict, Unprocessable } from '../../core/errors.ts';
import { scheduledCycle, transition, type Cycle } from '../../domain/cycle.ts';
import { withHistory } from '../../domain/between-deliveries.ts';
import { DEFAULT_DELIVERY_CALENDAR } from '../../domain/delivery-calendar.ts';
import type { SubscriptionWithCycles } from '../../domain/subscription.ts';
import { advancePast } from '../advance-subscription.ts';
import { subscriptionEvents } from '../subscription-events.ts';
import { changedBy, detailOf, lastEntry, notActive, retrying, subscriptionFor, type BetweenDeps, type Caller } from './common.ts';

/**
 * The buyer skips their next delivery (issue 13).
 *
 * Primary course, before its payment notice (the cycle is SCHEDULED): the
 * subscription moves on to the following delivery (with the history entry, one
 * write), then the cycle is SKIPPED — in that order, so a crash in between
 * leaves a plan the notice run withdraws (the subscription moved on), never an
 * announcement. After the notice (NOTICING/NOTICED): the same rule as
 * cancelling every announced item (S19) — the cycle is SKIPPED first, so it is
 * never charged, then the subscription moves on; a crash in between is
 * finished by the same request again (it finds the SKIPPED cycle and moves on).
 * Alternates: a date other than the next delivery → 422 DELIVERY_NOT_UPCOMING
 * (skip again for the one after, or pause); the charge has begun → 409
 * DELIVERY_ALREADY_CHARGED; paused or ended → 409; the same skip again → the
 * same answer.
 */
export async function skipDelivery(deps: BetweenDeps, caller: Caller, subscriptionId: string, deliveryDate: IsoDate): Promise<SubscriptionWithCycles> {
  return retrying(async () => {
    const subscription = await subscriptionFor(deps, caller, subscriptionId);
    const cycle = await deps.cycles.get({ subscriptionId, deliveryDate });
    // A repeat of a skip that went through answers the same.
    if (cycle?.status === 'SKIPPED' && cycle.endReason === 'SKIPPED_BY_BUYER' && subscription.nextDeliveryDate !== deliveryDate) {
      // Its event again under the same id (a crash may have lost it).
      const skip = lastEntry(subscription, 'skip', (entry) => entry.details.deliveryDate === deliveryDate);
      if (skip) await deps.events.publish(subscriptionEvents.changed(subscription, changedBy(skip.by), { skipped: deliveryDate }, deliveryDate, skip.at));
      return detailOf(deps, subscriptionId);
    }
    if (subscription.status !== 'ACTIVE') throw notActive(subscription);
    if (subscription.nextDeliveryDate !== deliveryDate) {
      throw new Unprocessable('DELIVERY_NOT_UPCOMING', `Only the next delivery (${subscription.nextDeliveryDate}) can be skipped; skip again for the one after it, or pause.`, [
        { path: 'deliveryDate', message: `The next delivery is ${subscription.nextDeliveryDate}.` },
      ]);
    }
    const now = deps.clock.now();
    const at = seoulTimestamp(now);
    const today = seoulDate(now);
    const planned: Cycle = cycle ?? scheduledCycle(subscription, deliveryDate);
    const calendar = (await deps.shops.get(subscription.shopId))?.deliveryCalendar ?? DEFAULT_DELIVERY_CALENDAR;
    const afterNotice = planned.status !== 'SCHEDULED';
    const recorded = (advanced: typeof subscription) =>
      withHistory(advanced, { at, by: caller.actor, action: 'skip', details: { deliveryDate, afterNotice, nextDeliveryDate: advanced.nextDeliveryDate } });

    if (planned.status === 'SCHEDULED') {
      const moved = await advancePast(deps, planned, subscription, today, calendar, recorded);
      if (!moved) return undefined;
      if (cycle) await skipPlanned(deps, cycle);
      await deps.events.publish(subscriptionEvents.changed(moved, changedBy(caller.actor), { skipped: deliveryDate }, deliveryDate));
      return detailOf(deps, subscriptionId);
    }
    if (planned.status === 'NOTICING' || planned.status === 'NOTICED') {
      const skipped = transition(planned, { type: 'skip', reason: 'SKIPPED_BY_BUYER' });
      // Refused: the charge run claimed it meanwhile; decided again on a fresh read.
      if (!skipped.ok || !(await deps.cycles.write(skipped.next, skipped.expect))) return undefined;
    } else if (planned.status !== 'SKIPPED') {
      throw new Conflict('DELIVERY_ALREADY_CHARGED', `The payment of the ${deliveryDate} delivery has begun (${planned.status}); it can no longer be skipped.`);
    }
    // S19: the announced cycle is not charged; the subscription moves on past it (also finishes a skip a crash cut short).
    const moved = await advancePast(deps, { ...planned, status: 'SKIPPED' }, subscription, today, calendar, recorded);
    if (!moved) return undefined;
    await deps.events.publish(subscriptionEvents.changed(moved, changedBy(caller.actor), { skipped: deliveryDate }, deliveryDate));
    return detailOf(deps, subscriptionId);
  });
}

/**
 * A planned delivery the subscription moved past becomes SKIPPED (shown as the buyer's skip). A notice run that
 * locked it in between (it read the subscription before the skip) made it NOTICING/NOTICED: skipped all the same
 * (S19), so it is never charged (common.ts dropDelivery decides the same for a pause or a moved date).
 */
async function skipPlanned(deps: Pick<BetweenDeps, 'cycles'>, cycle: Cycle): Promise<void> {
  let current: Cycle | undefined = cycle;
  for (let round = 0; round < 3 && current; round += 1) {
    const skipped = transition(current, { type: 'skip', reason: 'SKIPPED_BY_BUYER' });
    if (!skipped.ok || (await deps.cycles.write(skipped.next, skipped.expect))) return;
    current = await deps.cycles.get(cycle);
  }
}

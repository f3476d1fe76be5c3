import { addDays, seoulDate, seoulTimestamp, type IsoDate } from '../../core/dates.ts';
import { Conflict, Unprocessable } from '../../core/errors.ts';
import { scheduledCycle, transition } from '../../domain/cycle.ts';
import { passedUncounted } from '../../domain/delivery-count.ts';
import { earliestDelivery, MAX_PAUSE_DAYS, pauseOf, resumeCandidates, withHistory, type Pause } from '../../domain/between-deliveries.ts';
import type { ScheduledDelivery } from '../../domain/delivery-calendar.ts';
import type { Subscription, SubscriptionWithCycles } from '../../domain/subscription.ts';
import { subscriptionEvents } from '../subscription-events.ts';
import { changedBy, detailOf, dropDelivery, lastEntry, notActive, retrying, subscriptionFor, withoutNextNominal, type BetweenDeps, type Caller } from './common.ts';

export interface PauseRequest {
  readonly until?: IsoDate;
  readonly cycles?: number;
}

/**
 * The buyer pauses (issue 13): PAUSED is out of every run — no notice, no
 * charge — and out of the S6 active count.
 *
 * Primary course: the next delivery's plan is dropped (a SCHEDULED cycle is
 * withdrawn after the write; an announced one is SKIPPED first, S19, since
 * nothing is charged while paused; a charge already begun stands), the
 * subscription becomes PAUSED without next dates, with `pause` saying when it
 * resumes by itself (`cycles`: after that many deliveries, the next one
 * counting as the first; `until`: with the first delivery on or after it), the
 * history entry in the same write; then the count, the plan, the event.
 * Alternates: already paused → 409 SUBSCRIPTION_ALREADY_PAUSED; ended → 409;
 * `until` not after the next delivery or beyond a year → 422 PAUSE_UNTIL_OUT_OF_RANGE.
 */
export async function pauseSubscription(deps: BetweenDeps, caller: Caller, subscriptionId: string, request: PauseRequest): Promise<SubscriptionWithCycles> {
  return retrying(async () => {
    const subscription = await subscriptionFor(deps, caller, subscriptionId);
    if (subscription.status === 'PAUSED') {
      // A repeat (a crash may have lost the first event): the same event again, then the refusal.
      const paused = lastEntry(subscription, 'pause');
      if (paused) await deps.events.publish(subscriptionEvents.paused(subscription, changedBy(paused.by)));
      throw new Conflict('SUBSCRIPTION_ALREADY_PAUSED', 'The subscription is already paused; resume it first to pause it differently.');
    }
    if (subscription.status !== 'ACTIVE' || subscription.nextDeliveryDate === null) throw notActive(subscription);
    const now = deps.clock.now();
    const at = seoulTimestamp(now);
    const today = seoulDate(now);
    if (request.until !== undefined && (request.until <= subscription.nextDeliveryDate || request.until > addDays(today, MAX_PAUSE_DAYS))) {
      throw new Unprocessable('PAUSE_UNTIL_OUT_OF_RANGE', `Pause until a date after the next delivery (${subscription.nextDeliveryDate}) and within a year.`, [
        { path: 'until', message: `From ${addDays(subscription.nextDeliveryDate, 1)} to ${addDays(today, MAX_PAUSE_DAYS)}.` },
      ]);
    }
    const current = await deps.cycles.get({ subscriptionId, deliveryDate: subscription.nextDeliveryDate });
    // Nothing is charged while paused: an announced delivery is skipped (S19) before the pause is written.
    if (current && (current.status === 'NOTICING' || current.status === 'NOTICED')) {
      const skipped = transition(current, { type: 'skip', reason: 'SKIPPED_BY_BUYER' });
      if (!skipped.ok || !(await deps.cycles.write(skipped.next, skipped.expect))) return undefined;
    }
    const pause = pauseOf(subscription, request, at);
    // A charge already begun (CHARGING) stands: left uncounted here, it owes its count if it pays (delivery-count.ts).
    const left = current ? passedUncounted(subscription, current) : subscription;
    const paused: Subscription = withHistory(
      { ...withoutNextNominal(left), status: 'PAUSED', nextDeliveryDate: null, nextNoticeDate: null, nextChargeDate: null, pause, updatedAt: at },
      { at, by: caller.actor, action: 'pause', details: { ...request, ...(pause.resumesOn !== undefined ? { resumesOn: pause.resumesOn } : {}), deliveryDate: subscription.nextDeliveryDate } },
    );
    const version = (subscription.version ?? 0) + 1;
    if (!(await deps.subscriptions.update(paused, subscription.version ?? 0))) return undefined;
    await deps.shops.countActiveSubscriptions(subscription.shopId, -1, `pause#${subscriptionId}#v${version}`, now);
    // Plans never announced are withdrawn now (else the notice run would, on their date, seeing the pause): the
    // next delivery's, or — after its notice — the one the notice planned after it.
    if (current?.status === 'SCHEDULED') await dropDelivery(deps, current);
    else if (current?.followingDeliveryDate !== undefined) await dropDelivery(deps, { subscriptionId, deliveryDate: current.followingDeliveryDate });
    await deps.events.publish(subscriptionEvents.paused(paused, changedBy(caller.actor)));
    return detailOf(deps, subscriptionId);
  });
}

/**
 * Resuming (issue 13), by the buyer or by the daily maintenance run when a
 * pause with `until`/`cycles` runs out.
 *
 * Primary course: the shop's service is active; the next delivery is the first
 * on the subscription's anchor (the rhythm it was paused in) at least the
 * shop's minimum window away — so its notice is never in the past — and not
 * before the pause's own end when it resumes by itself, moved by the shop's
 * calendar, skipping any date whose cycle already exists (a skipped delivery is
 * never planned again). Its cycle is planned first, then the subscription is
 * ACTIVE with its dates and the history entry (one write), then the count and
 * the event. Alternates: not paused → 409 SUBSCRIPTION_NOT_PAUSED; the service
 * stopped → 409 SERVICE_NOT_ACTIVE.
 */
export async function resumeSubscription(deps: BetweenDeps, caller: Caller, subscriptionId: string, options: { readonly automatic?: boolean } = {}): Promise<SubscriptionWithCycles> {
  return retrying(async () => {
    const subscription = await subscriptionFor(deps, caller, subscriptionId);
    if (subscription.status !== 'PAUSED' || !subscription.pause) {
      // A repeat of a resume that went through (its event may have been lost to a crash): the same event again.
      const last = subscription.history?.at(-1);
      if (subscription.status === 'ACTIVE' && last?.action === 'resume') await deps.events.publish(subscriptionEvents.resumed(subscription, changedBy(last.by), last.at));
      throw new Conflict('SUBSCRIPTION_NOT_PAUSED', `The subscription is ${subscription.status}, not paused.`);
    }
    const shop = await deps.shops.get(subscription.shopId);
    if (!shop || shop.service.status !== 'ACTIVE') throw new Conflict('SERVICE_NOT_ACTIVE', "This shop's subscription service is not active.");
    const now = deps.clock.now();
    const at = seoulTimestamp(now);
    const window = earliestDelivery(seoulDate(now), shop.startDateWindow);
    const resumesOn = subscription.pause.resumesOn;
    const earliest = options.automatic && resumesOn !== undefined && resumesOn > window ? resumesOn : window;
    const next = await freeDelivery(deps, { ...subscription, pause: subscription.pause }, earliest, shop.deliveryCalendar);
    await deps.cycles.schedule(scheduledCycle(subscription, next.deliveryDate));
    const { pause: _pause, ...rest } = withoutNextNominal(subscription);
    const resumed: Subscription = withHistory(
      {
        ...rest,
        status: 'ACTIVE',
        nextDeliveryDate: next.deliveryDate,
        nextNoticeDate: next.noticeDate,
        nextChargeDate: next.chargeDate,
        ...(next.nominalDate !== next.deliveryDate ? { nextNominalDate: next.nominalDate } : {}),
        updatedAt: at,
      },
      { at, by: caller.actor, action: 'resume', details: { nextDeliveryDate: next.deliveryDate, automatic: options.automatic === true } },
    );
    const version = (subscription.version ?? 0) + 1;
    if (!(await deps.subscriptions.update(resumed, subscription.version ?? 0))) return undefined;
    await deps.shops.countActiveSubscriptions(subscription.shopId, 1, `resume#${subscriptionId}#v${version}`, now);
    await deps.events.publish(subscriptionEvents.resumed(resumed, changedBy(caller.actor)));
    return detailOf(deps, subscriptionId);
  });
}

/** The first candidate delivery whose cycle key is free (or holds a plan only). */
async function freeDelivery(deps: Pick<BetweenDeps, 'cycles'>, subscription: Subscription & { readonly pause: Pause }, earliest: IsoDate, calendar: Parameters<typeof resumeCandidates>[2]): Promise<ScheduledDelivery> {
  for (const candidate of resumeCandidates(subscription, earliest, calendar)) {
    const existing = await deps.cycles.get({ subscriptionId: subscription.id, deliveryDate: candidate.deliveryDate });
    if (!existing || existing.status === 'SCHEDULED') return candidate;
  }
  throw new Error(`No free delivery date found for subscription ${subscription.id}`);
}

/**
 * The ends a daily run gives a subscription (issue 14), and what each owes afterwards — one home for both
 * runs:
 * - COMPLETED: its last delivery (every line at its product's `maxDeliveries`) was charged (the charge run),
 *   or nothing is left to deliver when its next cycle is priced (the notice run);
 * - ended for a refused price increase: no consent by the notice of the first increased delivery, and the
 *   product's policy is `end-subscription` (the notice run; never announced, never charged).
 *
 * The subscription's write comes first and marks the cycle it ended at (`completedWith` / `endedBefore`); the
 * follow-ups — the S6 active count (the cancel's operation id: a subscription is deactivated once, however it
 * ended), the shop's event (`subscription.completed`, or `subscription.cancelled` with reason
 * price-increase-refused; its id is stable, so a rerun's repeat is dropped by consumers) and the buyer's mail
 * (send-once) — run after it, and again on every rerun that finds the
 * subscription ended at that cycle while the cycle is still in the due index (`endedByRunAt`), so a crash in
 * between never loses them and a repeat does nothing twice.
 */
import type { Clock } from '../../core/clock.ts';
import type { IsoDate } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import type { NotificationsRepository } from '../../adapters/dynamodb/notifications.repo.ts';
import type { ShopsRepository } from '../../adapters/dynamodb/shops.repo.ts';
import type { EventPublisher, Mailer } from '../../adapters/messaging/ports.ts';
import { endedByRunAt, type Subscription } from '../../domain/subscription.ts';
import { koreanDate } from '../../notifications/payment-notice.ts';
import { renderMail } from '../../notifications/templates.ts';
import { sendOnce } from '../send-once.ts';
import { subscriptionCancelled, subscriptionCompleted } from '../subscription-events.ts';

export interface EndingDeps {
  readonly shops: Pick<ShopsRepository, 'countActiveSubscriptions'>;
  readonly notifications: NotificationsRepository;
  readonly mailer: Mailer;
  readonly events: Pick<EventPublisher, 'publish'>;
  readonly clock: Clock;
}

/** Mails whose sends keep dying are given up after this many attempts (the at-least-once edge, bounded). */
const MAX_ATTEMPTS = 3;

/**
 * The follow-ups of a subscription a run ended at `deliveryDate` (nothing when it did not): out of the S6 count,
 * the buyer told once. `leaseMs`: how long the calling worker may live (a send in flight is its own until then).
 */
export async function finishEnding(deps: EndingDeps, shopName: string, subscription: Subscription | undefined, deliveryDate: IsoDate, leaseMs: number): Promise<void> {
  const ending = endedByRunAt(subscription, deliveryDate);
  if (!ending || !subscription) return;
  await deps.shops.countActiveSubscriptions(subscription.shopId, -1, `deactivate#${subscription.id}`, deps.clock.now());
  await deps.events.publish(ending === 'completed' ? subscriptionCompleted(subscription) : subscriptionCancelled(subscription));
  const to = subscription.contact?.email;
  if (!to) {
    logger.warn('No buyer address to tell of the end of a subscription; not sent', { subscriptionId: subscription.id, ending });
    return;
  }
  const kind = ending === 'completed' ? 'subscription-completed' : 'price-increase-ended';
  const vars = { shopName, subscriptionId: subscription.id, deliveryDate: koreanDate(deliveryDate), deliveries: subscription.chargedDeliveries ?? 0 };
  const ref = { to: 'customer', subscriptionId: subscription.id, deliveryDate, kind, channel: 'mail' } as const;
  const outcome = await sendOnce(deps, ref, { send: () => deps.mailer.send({ to, kind, ...renderMail(`${kind}.mail`, vars) }) }, { leaseMs, waitMs: 0, maxAttempts: MAX_ATTEMPTS });
  if (outcome === 'gave-up') logger.error('The end-of-subscription mail could not be confirmed sent; giving up', { subscriptionId: subscription.id, ending });
}

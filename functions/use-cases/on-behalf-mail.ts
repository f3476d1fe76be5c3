/**
 * The buyer's mail when the shop acts on their behalf (issue 13): a cancel (use-cases/cancel-on-behalf.ts) or a
 * change (PATCH /admin/subscriptions/{id}, the buyer's change use case run by the shop's admin). Sent once per
 * (subscription, key) through the notification log, so a repeated request does not mail twice; no buyer
 * address, no mail (logged).
 */
import type { NotificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import type { Mailer } from '../adapters/messaging/ports.ts';
import type { Clock } from '../core/clock.ts';
import { logger } from '../core/logger.ts';
import type { Subscription } from '../domain/subscription.ts';
import { sendOnce } from './send-once.ts';

export interface OnBehalfMailDeps {
  readonly notifications: NotificationsRepository;
  readonly mailer: Mailer;
  readonly clock: Clock;
}

/** An HTTP request lives far shorter than this: an older SENDING of such a mail belongs to a dead request. */
const MAIL_LEASE_MS = 5 * 60 * 1000;

/**
 * Mails the buyer once per `key` — what makes a repeat the same mail: for a cancel the products it cancelled,
 * for a change the subscription version it wrote.
 */
export async function mailBuyerOnBehalf(
  deps: OnBehalfMailDeps,
  subscription: Pick<Subscription, 'id' | 'contact'>,
  kind: 'merchant-cancel' | 'merchant-change',
  key: string,
  mail: { readonly subject: string; readonly text: string },
): Promise<void> {
  const to = subscription.contact?.email;
  if (!to) {
    logger.warn('No buyer address for a mail on the shop\'s action; not sent', { subscriptionId: subscription.id, kind });
    return;
  }
  const ref = { to: 'customer', subscriptionId: subscription.id, deliveryDate: `${kind}-${key}`, kind, channel: 'mail' } as const;
  await sendOnce(deps, ref, { send: () => deps.mailer.send({ to, kind, ...mail }) }, { leaseMs: MAIL_LEASE_MS, maxAttempts: 3, waitMs: 0 });
}

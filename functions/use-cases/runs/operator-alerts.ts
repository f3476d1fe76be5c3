/**
 * Alerts to a shop's operator about a run — at most one mail per shop, day
 * and kind, however many items gave cause (the shop's notification log,
 * through send-once): SMS credits ran out (S12), payment notices went out late
 * and their deliveries moved (issue 17), deliveries planned beyond the public-
 * holiday data (issue 14: planned by the weekdays only, never silently).
 */
import { NOTICE_WORKER_TIMEOUT_SECONDS } from '../../../system/worker-timeouts.ts';
import type { Clock } from '../../core/clock.ts';
import type { IsoDate } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import type { NotificationsRepository } from '../../adapters/dynamodb/notifications.repo.ts';
import type { Mailer } from '../../adapters/messaging/ports.ts';
import type { NotificationSettings } from '../../domain/notification-settings.ts';
import { holidayDataUnavailableMail, lateNoticeMail, smsCreditsExhaustedMail } from '../../notifications/payment-notice.ts';
import { NotificationInFlight, sendOnce } from '../send-once.ts';

export type OperatorAlert =
  | { readonly kind: 'sms-credits-exhausted' }
  | { readonly kind: 'late-notice'; readonly moved: ReadonlyArray<{ readonly subscriptionId: string; readonly from: IsoDate; readonly to: IsoDate }> }
  | { readonly kind: 'holiday-data-unavailable'; readonly unchecked: ReadonlyArray<{ readonly subscriptionId: string; readonly date: IsoDate }> };

const ALERT_LOG: Readonly<Record<OperatorAlert['kind'], string>> = {
  'sms-credits-exhausted': 'SMS credits exhausted: payment-notice SMS not sent',
  'late-notice': 'Payment notices went out late: their cycles moved',
  'holiday-data-unavailable': 'Deliveries planned beyond the public-holiday data: checked against weekdays only',
};

export interface AlertDeps {
  readonly notifications: NotificationsRepository;
  readonly mailer: Mailer;
  readonly clock: Clock;
}

/** How long an alert in flight belongs to its worker: the longest a notice worker lives. */
const ALERT_LEASE_MS = NOTICE_WORKER_TIMEOUT_SECONDS * 1000;

export async function alertOperatorOnce(deps: AlertDeps, shop: { readonly shopId: string; readonly name: string }, settings: NotificationSettings, date: IsoDate, alert: OperatorAlert): Promise<void> {
  logger.warn(ALERT_LOG[alert.kind], { shopId: shop.shopId, date, ...(alert.kind === 'late-notice' ? { moved: alert.moved } : {}), ...(alert.kind === 'holiday-data-unavailable' ? { unchecked: alert.unchecked } : {}) });
  const ref = { to: 'operator', shopId: shop.shopId, date, kind: alert.kind } as const;
  // Read before the conditional write: on a bad morning every message of the shop gets here, and a refused
  // write on one hot item costs more than a read.
  if ((await deps.notifications.get(ref))?.state === 'SENT') return;
  const content =
    alert.kind === 'late-notice'
      ? lateNoticeMail({ shopName: shop.name, date, moved: alert.moved })
      : alert.kind === 'holiday-data-unavailable'
        ? holidayDataUnavailableMail({ shopName: shop.name, date, unchecked: alert.unchecked })
        : smsCreditsExhaustedMail({ shopName: shop.name, date });
  // Another worker alerting the same shop at once: its mail is as good as ours (0 wait, no error).
  try {
    await sendOnce(deps, ref, { send: () => deps.mailer.send({ to: settings.operatorEmail, ...content, kind: alert.kind }) }, { leaseMs: ALERT_LEASE_MS, waitMs: 0, maxAttempts: 3 });
  } catch (error) {
    // Another worker is sending the same alert right now: its mail is as good as ours.
    if (!(error instanceof NotificationInFlight)) throw error;
  }
}

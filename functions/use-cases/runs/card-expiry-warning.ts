/**
 * The card-expiry warning (issue 14), a step of the payment notice: when a locked cycle's subscription pays
 * with a card whose expiry month ends within 30 days — or that will not last until the charge after this one
 * — the buyer is mailed, once per (subscription, expiry month) through the send-once log, where and how to
 * change the card (the card-change flow, `POST /subscriptions/{id}/card`, from the buyer's page). The rule is
 * the domain's (`expiryWarningDue`). Riding on the notice needs no shop-wide scan and no job of its own, and
 * a warning always comes before the charge that would fail. A warning that fails is logged and tried again at
 * the next notice (its log item is not SENT): it never holds the payment notice back.
 */
import { addDays } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import { expiryMonth, expiryWarningDue } from '../../domain/card-expiry.ts';
import { koreanDate } from '../../notifications/payment-notice.ts';
import { renderMail } from '../../notifications/templates.ts';
import { sendOnce } from '../send-once.ts';
import type { NoticeContext, NoticeItem } from './notice.ts';
import { SENDING_LEASE_MS } from './notice-steps.ts';

export async function warnOfCardExpiry(ctx: NoticeContext, item: NoticeItem): Promise<void> {
  const subscription = item.subscription;
  const cycle = item.lock?.cycle;
  const expiry = subscription?.card?.expiry;
  const to = subscription?.contact?.email;
  if (!subscription || !cycle || !expiry || !to) return;
  const followingCharge = cycle.followingDeliveryDate !== undefined ? addDays(cycle.followingDeliveryDate, -1) : undefined;
  if (!expiryWarningDue(expiry, ctx.day, followingCharge)) return;
  const month = expiryMonth(expiry);
  const card = subscription.card!;
  const vars = {
    shopName: ctx.shopName,
    subscriptionId: subscription.id,
    expiryMonth: `${expiry.year}년 ${expiry.month}월`,
    card: `${card.issuer}${card.last4 ? ` ****${card.last4}` : ''}`,
    nextChargeDate: koreanDate(cycle.chargeDate),
    changeCardLink: `마이페이지 > 정기배송 ${subscription.id} > 카드 변경 (POST /subscriptions/${subscription.id}/card)`,
  };
  const ref = { to: 'customer', subscriptionId: subscription.id, deliveryDate: `card-${month}`, kind: 'card-expiring', channel: 'mail' } as const;
  try {
    await sendOnce(ctx.deps, ref, { send: () => ctx.deps.mailer.send({ to, kind: 'card-expiring', ...renderMail('card-expiring.mail', vars) }) }, { leaseMs: SENDING_LEASE_MS, waitMs: 0, maxAttempts: 3 });
  } catch (error) {
    logger.warn('The card-expiry warning was not sent; the next notice tries again', { subscriptionId: subscription.id, month, error: error as Error });
  }
}

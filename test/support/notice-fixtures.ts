/**
 * Fixtures for the notice worker's tests: a shop with SMS credits, a buyer's
 * ACTIVE subscription with its own mail address and phone number (so that the
 * outbox can be read per subscription), and the work item the notice run
 * would queue for it.
 */
import { toE164 } from '../../functions/adapters/messaging/sns.ts';
import type { CycleRef } from '../../functions/domain/cycle.ts';
import type { Work } from '../../functions/use-cases/runs/work.ts';
import type { TestSystem } from './local-system.ts';
import { activeShop, subscribe } from './storefront.ts';

let buyers = 0;

export interface OutboxItem {
  readonly channel: 'mail' | 'sms';
  readonly to: string;
  readonly subject?: string;
  readonly body: string;
  readonly kind: string;
  readonly sentAt: string;
}

/** An active shop (products beans 25,000 and drip 18,000), topped up with `sms` SMS credits when given (S12). */
export async function shopWithCredits(t: TestSystem, sms?: number) {
  const shop = await activeShop(t);
  if (sms !== undefined) {
    const topUp = await t.call('POST', `/platform/shops/${shop.shopId}/credits`, { token: shop.platform, body: { sms } });
    if (topUp.status !== 200) throw new Error(`top-up answered ${topUp.status}`);
  }
  return { ...shop, operatorEmail: `ops@${shop.shopId}.example` };
}

/** An ACTIVE subscription (beans ×2, drip ×1 unless overridden) of a new buyer with a contact of their own. */
export async function activeSubscription(t: TestSystem, shopId: string, overrides: Record<string, unknown> = {}) {
  buyers += 1;
  const buyer = await t.token('customer', shopId, `notice-buyer-${buyers}`);
  const contact = { email: `buyer-${buyers}@notice.example`, phone: `010-7${String(buyers).padStart(3, '0')}-${String(buyers).padStart(4, '0')}` };
  const subscription = await subscribe(t, buyer, shopId, '9410-0000-0000-0001', { contact, ...overrides });
  return { buyer, contact, smsTo: toE164(contact.phone), subscription: subscription as { id: string; shopId: string; nextDeliveryDate: string; nextNoticeDate: string; nextChargeDate: string } };
}

/** One item of notice work, as a message of one carries it. */
export type NoticeItem = Omit<Work, 'items' | 'kind'> & { readonly ref: CycleRef };

/** The work item the notice run queues for a subscription's next delivery on its notice date. */
export function noticeItem(subscription: { id: string; shopId: string; nextNoticeDate: string; nextDeliveryDate: string }, overrides: Partial<NoticeItem> = {}): NoticeItem {
  return {
    date: subscription.nextNoticeDate,
    scheduledTime: `${subscription.nextNoticeDate}T08:00:00+09:00`,
    shopId: subscription.shopId,
    ref: { subscriptionId: subscription.id, deliveryDate: subscription.nextDeliveryDate },
    messageId: `message-${subscription.id}`,
    ...overrides,
  };
}

export async function outbox(t: TestSystem, to: string): Promise<OutboxItem[]> {
  return (await t.call('GET', `/_local/outbox?to=${encodeURIComponent(to)}`)).body.items;
}

/** Moves the simulated clock forward, without firing the scheduled runs (as SQS's visibility timeout passing would). */
export function advance(t: TestSystem, ms: number): void {
  t.system.clock.moveTo(new Date(t.system.clock.now().getTime() + ms));
}

/**
 * The subscription's own events (issue 13), one builder per type: the HTTP use cases and the stop job
 * publish them after their write. Each id is stable (a repeat of the step publishes the same id, and a
 * consumer drops it), so publishing is at-least-once: a step that fails to publish fails, and its retry —
 * which finds the state already reached — publishes again. Payloads: functions/api/events.docs.ts.
 */
import type { DomainEvent, EventPublisher } from '../adapters/messaging/ports.ts';
import { PRICE_INCREASE_NOT_ACCEPTED, type CancelReason, type Subscription } from '../domain/subscription.ts';
import type { EventType } from '../../system/events.ts';

/** Who made a change, as events name it (the service's own automatic resume counts as the buyer's pause running out). */
export type ChangedBy = 'buyer' | 'merchant';

export interface EventDeps {
  readonly events: EventPublisher;
}

/** Who ended a subscription, as events name it. */
/** Who or what cancelled it, as the event says; issue 14: the notice run ends a subscription whose buyer did not accept a price increase. */
const CANCELLED_BY: Record<CancelReason | typeof PRICE_INCREASE_NOT_ACCEPTED, 'buyer' | 'merchant' | 'service-stop' | 'price-increase-refused'> = {
  CUSTOMER_REQUEST: 'buyer',
  MERCHANT_REQUEST: 'merchant',
  SERVICE_STOPPED: 'service-stop',
  [PRICE_INCREASE_NOT_ACCEPTED]: 'price-increase-refused',
};

const lines = (subscription: Subscription) => subscription.items.filter((item) => item.status === 'ACTIVE').map(({ productId, quantity }) => ({ productId, quantity }));

function event(type: EventType, id: string, subscription: Subscription, detail: Record<string, unknown>): DomainEvent {
  return { type, id, shopId: subscription.shopId, detail: { subscriptionId: subscription.id, customerId: subscription.customerId, ...detail } };
}

/**
 * The two endings a daily run publishes (runs/subscription-endings.ts) stand alone, so the notice and charge
 * workers bundle these two builders only; `subscriptionEvents` lists them with the rest.
 */
export const subscriptionCancelled = (subscription: Subscription): DomainEvent =>
  event('subscription.cancelled', `${subscription.id}.cancelled`, subscription, {
    reason: CANCELLED_BY[(subscription.cancelReason ?? 'CUSTOMER_REQUEST') as keyof typeof CANCELLED_BY] ?? 'buyer',
    cancelledAt: subscription.updatedAt,
  });

export const subscriptionCompleted = (subscription: Subscription): DomainEvent =>
  event('subscription.completed', `${subscription.id}.completed`, subscription, {
    deliveries: subscription.chargedDeliveries ?? 0,
    lastDeliveryDate: subscription.completedWith,
    completedAt: subscription.completedAt ?? subscription.updatedAt,
  });

export const subscriptionEvents = {
  created: (subscription: Subscription): DomainEvent =>
    event('subscription.created', `${subscription.id}.created`, subscription, {
      status: subscription.status,
      cycle: subscription.cycle,
      startDate: subscription.startDate,
      paymentMethod: subscription.paymentMethod,
      items: lines(subscription),
      createdAt: subscription.createdAt,
    }),
  activated: (subscription: Subscription): DomainEvent =>
    event('subscription.activated', `${subscription.id}.activated`, subscription, {
      cycle: subscription.cycle,
      paymentMethod: subscription.paymentMethod,
      nextDeliveryDate: subscription.nextDeliveryDate,
      items: lines(subscription),
      activatedAt: subscription.updatedAt,
    }),
  /**
   * Issue 13: ids carry when the change happened, as its history entry records it (`pause.since` for a pause), so a
   * repeat of a request that found the change already made publishes the same id again (a crash may have lost it).
   */
  paused: (subscription: Subscription, by: ChangedBy): DomainEvent =>
    event('subscription.paused', `${subscription.id}.paused.${subscription.pause?.since ?? subscription.updatedAt}`, subscription, {
      ...(subscription.pause?.until !== undefined ? { until: subscription.pause.until } : {}),
      ...(subscription.pause?.cycles !== undefined ? { cycles: subscription.pause.cycles } : {}),
      ...(subscription.pause?.resumesOn !== undefined ? { resumesOn: subscription.pause.resumesOn } : {}),
      by,
      pausedAt: subscription.pause?.since ?? subscription.updatedAt,
    }),
  resumed: (subscription: Subscription, by: ChangedBy, at: string = subscription.updatedAt): DomainEvent =>
    event('subscription.resumed', `${subscription.id}.resumed.${at}`, subscription, { nextDeliveryDate: subscription.nextDeliveryDate, by, resumedAt: at }),
  changed: (subscription: Subscription, by: ChangedBy, changes: Record<string, unknown>, effectiveFrom?: string, at: string = subscription.updatedAt): DomainEvent =>
    event('subscription.changed', `${subscription.id}.changed.${at}`, subscription, {
      changes,
      ...(effectiveFrom !== undefined ? { effectiveFrom } : {}),
      by,
      changedAt: at,
    }),
  cancelled: subscriptionCancelled,
  completed: subscriptionCompleted,
};

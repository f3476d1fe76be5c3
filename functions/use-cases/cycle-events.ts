/**
 * The cycle's own events (issue 13): what a shop's systems react to between deliveries — the payment notice
 * went out (`subscription.cycle.noticed`), the delivery was paid and is to be shipped (`.charged`, the order),
 * the charge failed for good (`.failed`), the delivery is neither charged nor shipped (`.skipped`). One home for
 * their ids and payloads (documented in functions/api/events.docs.ts); the runs call `publishCycleEvent` at the
 * point a cycle reaches one of those states.
 *
 * Ids are stable — `{subscriptionId}.{deliveryDate}.noticed|failed|skipped`, and the order id for charged — so a
 * consumer drops a repeat. The runs publish **before the write that records the state** (as the charged event
 * always has): the state is decided and its fact has happened (the notice went out, the PG declined for the last
 * time), and a crash between the publish and the write leaves the cycle where the next run (or the message's
 * redelivery) finds it and publishes again under the same id. At-least-once, never lost; never for a state the
 * domain did not decide. Publishing after the write instead would lose the event of a process that dies in
 * between: the cycle has left the due index by then and nothing would find it again.
 */
import type { DomainEvent, EventPublisher } from '../adapters/messaging/ports.ts';
import type { Cycle } from '../domain/cycle.ts';
import type { EventType } from '../../system/events.ts';

const lines = (cycle: Cycle) => cycle.items.map(({ productId, quantity, unitPrice }) => ({ productId, quantity, unitPrice }));

function event(type: EventType, id: string, cycle: Cycle, detail: Record<string, unknown>): DomainEvent {
  return { type, id, shopId: cycle.shopId, detail: { subscriptionId: cycle.subscriptionId, customerId: cycle.customerId, deliveryDate: cycle.deliveryDate, ...detail } };
}

/** The stable id of a cycle event other than charged (whose id is the order id). */
export const cycleEventId = (cycle: Pick<Cycle, 'subscriptionId' | 'deliveryDate'>, what: 'noticed' | 'failed' | 'skipped'): string => `${cycle.subscriptionId}.${cycle.deliveryDate}.${what}`;

export const cycleEvents = {
  /** S17: the payment notice went out (or the shop sends none, S11): the amount is locked (S18). */
  noticed: (cycle: Cycle): DomainEvent =>
    event('subscription.cycle.noticed', cycleEventId(cycle, 'noticed'), cycle, { chargeDate: cycle.chargeDate, amount: cycle.amount, items: lines(cycle) }),
  /** The event a shop ships a paid delivery on; its id is the order id. */
  charged: (cycle: Cycle): DomainEvent =>
    event('subscription.cycle.charged', cycle.orderId!, cycle, {
      orderId: cycle.orderId,
      amount: cycle.amount,
      items: lines(cycle),
      paymentKey: cycle.paymentKey,
      approvedAt: cycle.approvedAt,
      chargedAt: cycle.chargedAt,
    }),
  failed: (cycle: Cycle): DomainEvent =>
    event('subscription.cycle.failed', cycleEventId(cycle, 'failed'), cycle, {
      amount: cycle.amount,
      reason: cycle.lastFailure?.message ?? 'The charge failed.',
      code: cycle.lastFailure?.code ?? 'UNKNOWN',
      attempts: cycle.attempts ?? 0,
      failedAt: cycle.failedAt ?? cycle.lastFailure?.at ?? '',
    }),
  skipped: (cycle: Cycle): DomainEvent => event('subscription.cycle.skipped', cycleEventId(cycle, 'skipped'), cycle, { reason: cycle.endReason ?? 'SKIPPED' }),
};

const BY_STATE: Partial<Record<Cycle['status'], (cycle: Cycle) => DomainEvent>> = {
  NOTICED: cycleEvents.noticed,
  CHARGED: cycleEvents.charged,
  FAILED: cycleEvents.failed,
  SKIPPED: cycleEvents.skipped,
};

/**
 * Publishes the event of the state a cycle is about to be written in (NOTICED, CHARGED, FAILED, SKIPPED); other
 * states have none. Call it where a step moves the cycle INTO that state, not on every write of it (a declined
 * attempt going back to NOTICED for its retry is no new notice).
 */
export async function publishCycleEvent(deps: { readonly events: Pick<EventPublisher, 'publish'> }, cycle: Cycle): Promise<void> {
  const build = BY_STATE[cycle.status];
  if (build) await deps.events.publish(build(cycle));
}

/**
 * The events of several cycles about to be written (a message's settles, issue 12): together, ten per PutEvents
 * instead of a call each, under the same rule — before the writes. Answers each cycle's outcome, in order (a
 * cycle whose state has no event is fulfilled); it never rejects as a whole, so a refused event fails only its item.
 */
export async function publishCycleEvents(deps: { readonly events: Pick<EventPublisher, 'publishEach'> }, cycles: readonly Cycle[]): Promise<Array<PromiseSettledResult<void>>> {
  const built = cycles.map((cycle) => BY_STATE[cycle.status]?.(cycle));
  const events = built.filter((event): event is DomainEvent => event !== undefined);
  const published = await deps.events.publishEach(events).catch((error: unknown) => events.map((): PromiseSettledResult<void> => ({ status: 'rejected', reason: error })));
  let next = 0;
  return built.map((event) => (event ? published[next++]! : { status: 'fulfilled', value: undefined }));
}

/**
 * Webhook fan-out and delivery (issue 13).
 *
 * Fan-out, one domain event from the bus: the shop's endpoints subscribed to its type each get a delivery
 * record (deterministic key: a repeated event writes nothing new) and a first-attempt message.
 *
 * Delivery, one message = one attempt: an early message (a due time beyond SQS's 15-minute delay) is sent on
 * with the same due time; otherwise the endpoint's secret is opened, the body signed (Standard Webhooks: the
 * event id as webhook-id), POSTed, the attempt recorded once (a redelivered message finds it recorded and
 * stops), and a failure re-enqueued with the next delay — until the last attempt, after which the delivery
 * is FAILED (the handler records the webhook-failure metric; the alarm is in lib/constructs/monitoring.ts).
 */
import type { EventType } from '../../system/events.ts';
import type { WebhooksRepository } from '../adapters/dynamodb/webhooks.repo.ts';
import type { WorkQueue } from '../adapters/messaging/ports.ts';
import { signDelivery } from '../adapters/webhooks/signer.ts';
import type { Clock } from '../core/clock.ts';
import { seoulTimestamp } from '../core/dates.ts';
import type { DeliveryRef } from '../domain/webhook-endpoint.ts';
import { isEarly, nextAttemptAt, outcomeOf, sqsDelaySeconds, type DeliveryOutcome } from '../domain/webhook.ts';
import type { Sealer } from '../ports/sealer.ts';
import type { WebhookSender } from '../ports/webhook-sender.ts';

/** The message kind of a delivery attempt (the local router queue routes by it). */
export const WEBHOOK_DELIVERY_KIND = 'WEBHOOK_DELIVERY';
/** The functions that put delivery attempts on the delivery worker's queue, and the kind they send. */
export const WEBHOOK_ENQUEUED_KIND = { webhookFanout: WEBHOOK_DELIVERY_KIND, webhookDelivery: WEBHOOK_DELIVERY_KIND } as const;

/** One attempt of one delivery: which, which attempt, when it is due, and when the queue may hand it over. */
export interface DeliveryMessage extends DeliveryRef {
  readonly kind: typeof WEBHOOK_DELIVERY_KIND;
  readonly attempt: number;
  readonly dueAt: string;
  /** The send time plus the DelaySeconds asked for: a queue never delivers it sooner. */
  readonly visibleAt: string;
}

/** A domain event as the bus hands it on (EventBridge's envelope: id, detail-type, time, detail). */
export interface BusEvent {
  readonly 'detail-type': string;
  readonly time: string;
  readonly detail: { readonly id: string; readonly shopId: string } & Record<string, unknown>;
}

export interface FanOutDeps {
  readonly clock: Clock;
  readonly webhooks: WebhooksRepository;
  readonly workQueue: WorkQueue;
}

export interface DeliveryDeps extends FanOutDeps {
  readonly sealer: Sealer;
  readonly webhookSender: WebhookSender;
}

async function enqueue(deps: FanOutDeps, message: Omit<DeliveryMessage, 'kind' | 'visibleAt'>, now: Date): Promise<void> {
  const delaySeconds = sqsDelaySeconds(new Date(message.dueAt), now);
  const visibleAt = new Date(now.getTime() + delaySeconds * 1000).toISOString();
  await deps.workQueue.send([{ kind: WEBHOOK_DELIVERY_KIND, ...message, visibleAt } satisfies DeliveryMessage], { delaySeconds });
}

/**
 * The deps of one batch of events: each shop's endpoints are read once for the whole batch (up to 100 events gathered
 * for up to a second by the event source's batching window, system/functions.ts, so a charge run's events cost a
 * Query per shop per batch instead of one each, issue 12) and never kept past it, so an endpoint registered or
 * deleted between two batches is seen by the next one.
 */
export function oneBatch<D extends FanOutDeps>(deps: D): D {
  const read = new Map<string, ReturnType<WebhooksRepository['listEndpoints']>>();
  const listEndpoints: WebhooksRepository['listEndpoints'] = (shopId) => {
    const endpoints = read.get(shopId) ?? deps.webhooks.listEndpoints(shopId);
    read.set(shopId, endpoints);
    // A failed read is not remembered: the batch's next event of the shop reads again.
    endpoints.catch(() => read.delete(shopId));
    return endpoints;
  };
  return { ...deps, webhooks: { ...deps.webhooks, listEndpoints } };
}

/** Fans one event out to the shop's subscribed endpoints; answers how many deliveries were enqueued. */
export async function fanOutEvent(deps: FanOutDeps, event: BusEvent): Promise<number> {
  const type = event['detail-type'] as EventType;
  const { id: eventId, shopId, ...data } = event.detail;
  const endpoints = (await deps.webhooks.listEndpoints(shopId)).filter((endpoint) => endpoint.events.includes(type));
  // The Standard Webhooks payload shape; this exact string is what every attempt signs.
  const body = JSON.stringify({ type, timestamp: event.time, shopId, data });
  const now = deps.clock.now();
  for (const endpoint of endpoints) {
    const ref: DeliveryRef = { shopId, endpointId: endpoint.id, eventId, eventAt: event.time };
    await deps.webhooks.createDelivery({ ...ref, eventType: type, body }, now);
    await enqueue(deps, { ...ref, attempt: 1, dueAt: now.toISOString() }, now);
  }
  return endpoints.length;
}

export type AttemptReport = DeliveryOutcome | 'early' | 'skipped';

/** Makes one attempt of a delivery (or sends an early message on); reports what happened. */
export async function deliverWebhook(deps: DeliveryDeps, message: DeliveryMessage): Promise<AttemptReport> {
  const now = deps.clock.now();
  if (isEarly(new Date(message.dueAt), now)) {
    // SQS never hands a message over before its delay; a queue that did would send it round in a loop.
    if (isEarly(new Date(message.visibleAt), now)) throw new Error('The queue delivered a message before its DelaySeconds had passed');
    await enqueue(deps, message, now);
    return 'early';
  }
  const { kind: _kind, attempt, dueAt: _due, visibleAt: _visible, ...ref } = message;
  const delivery = await deps.webhooks.getDelivery(ref);
  // Gone (expired), finished, or this attempt already made by an earlier receipt of the message.
  if (!delivery || delivery.status !== 'PENDING' || delivery.attempts.length >= attempt) return 'skipped';
  const endpoint = await deps.webhooks.getEndpoint(ref.shopId, ref.endpointId);
  if (!endpoint) return 'skipped';
  const secret = await deps.sealer.open(endpoint.sealedSecret, { shopId: ref.shopId, purpose: 'webhook-secret' });
  const headers = signDelivery(secret, { id: ref.eventId, at: now, body: delivery.body });
  const result = await deps.webhookSender.post({ url: endpoint.url, headers: { ...headers }, body: delivery.body });
  const outcome = outcomeOf(result.statusCode, attempt);
  const next = outcome === 'retry' ? nextAttemptAt(attempt, now) : undefined;
  const recorded = await deps.webhooks.recordAttempt(
    ref,
    {
      attempt,
      at: seoulTimestamp(now),
      durationMs: result.durationMs,
      ...(result.statusCode !== undefined ? { statusCode: result.statusCode } : {}),
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(next ? { nextAttemptAt: seoulTimestamp(next) } : {}),
    },
    outcome === 'delivered' ? 'DELIVERED' : outcome === 'failed' ? 'FAILED' : 'PENDING',
  );
  // Another receipt of this message recorded the attempt first: it also enqueued the next one.
  if (!recorded) return 'skipped';
  if (next) await enqueue(deps, { ...ref, attempt: attempt + 1, dueAt: next.toISOString() }, now);
  return outcome;
}

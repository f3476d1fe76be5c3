/**
 * A shop's webhook endpoints (issue 13): register, list, delete, and read an endpoint's deliveries.
 *
 * Primary course of a registration: the URL is checked (https, no private address, webhook.ts), one of the
 * shop's ten slots is taken, a `whsec_` secret is made and sealed (purpose webhook-secret: this function may
 * seal, never open), the endpoint is written, and the secret is answered once. A crash after the slot and
 * before the endpoint leaves a slot without an endpoint; the next registration that finds the shop full frees
 * such slots (older than a minute, so a registration in flight keeps its own) and tries once more.
 */
import type { EventType } from '../../system/events.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import type { DeliveryPage, WebhooksRepository } from '../adapters/dynamodb/webhooks.repo.ts';
import { newWebhookSecret } from '../adapters/webhooks/secret.ts';
import type { Clock } from '../core/clock.ts';
import { seoulTimestamp } from '../core/dates.ts';
import { Conflict, NotFound, ValidationFailed } from '../core/errors.ts';
import { newId } from '../core/ids.ts';
import { MAX_WEBHOOK_ENDPOINTS, type WebhookEndpoint } from '../domain/webhook-endpoint.ts';
import { webhookUrlProblem } from '../domain/webhook.ts';
import type { Sealer } from '../ports/sealer.ts';

export interface WebhookDeps {
  readonly clock: Clock;
  readonly shops: ShopsRepository;
  readonly webhooks: WebhooksRepository;
  readonly sealer: Sealer;
  /** Local runtime only: http://localhost endpoints (its test sink) are accepted. */
  readonly allowLocalHttp: boolean;
}

/** A slot reserved longer ago than this without its endpoint belongs to a registration that crashed. */
const ABANDONED_SLOT_MS = 60_000;

export type WebhookView = Omit<WebhookEndpoint, 'shopId'>;
const view = ({ shopId: _shop, ...endpoint }: WebhookEndpoint): WebhookView => endpoint;

async function requireShop(deps: Pick<WebhookDeps, 'shops'>, shopId: string): Promise<void> {
  if (!(await deps.shops.get(shopId))) throw new NotFound('The shop');
}

/** Frees the shop's slots whose registration crashed before writing its endpoint; true when one was freed. */
async function freeAbandonedSlots(deps: WebhookDeps, shopId: string): Promise<boolean> {
  const [slots, endpoints] = await Promise.all([deps.webhooks.slots(shopId), deps.webhooks.listEndpoints(shopId)]);
  const live = new Set(endpoints.map((endpoint) => endpoint.id));
  const cutoff = deps.clock.now().getTime() - ABANDONED_SLOT_MS;
  const abandoned = Object.entries(slots).filter(([id, at]) => !live.has(id) && Date.parse(at) < cutoff);
  for (const [id] of abandoned) await deps.webhooks.releaseSlot(shopId, id);
  return abandoned.length > 0;
}

export async function createWebhook(deps: WebhookDeps, shopId: string, input: { readonly url: string; readonly events: readonly EventType[] }): Promise<WebhookView & { secret: string }> {
  const problem = webhookUrlProblem(input.url, { allowLocalHttp: deps.allowLocalHttp });
  if (problem) throw new ValidationFailed([{ path: 'url', message: problem }]);
  await requireShop(deps, shopId);
  const now = deps.clock.now();
  const id = newId(deps.clock);
  const reserved = (await deps.webhooks.reserveSlot(shopId, id, now.toISOString())) || ((await freeAbandonedSlots(deps, shopId)) && (await deps.webhooks.reserveSlot(shopId, id, now.toISOString())));
  if (!reserved) throw new Conflict('WEBHOOK_LIMIT_REACHED', `A shop may register ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints; delete one first.`);
  const secret = newWebhookSecret();
  const endpoint: WebhookEndpoint = { shopId, id, url: input.url, events: [...new Set(input.events)], createdAt: seoulTimestamp(now) };
  await deps.webhooks.putEndpoint({ ...endpoint, sealedSecret: await deps.sealer.seal(secret, { shopId, purpose: 'webhook-secret' }) });
  return { ...view(endpoint), secret };
}

export async function listWebhooks(deps: Pick<WebhookDeps, 'webhooks'>, shopId: string): Promise<{ items: WebhookView[] }> {
  return { items: (await deps.webhooks.listEndpoints(shopId)).map(view) };
}

/** Deletes the endpoint (no further delivery is attempted; its records expire by TTL) and frees its slot. */
export async function deleteWebhook(deps: Pick<WebhookDeps, 'webhooks'>, shopId: string, endpointId: string): Promise<void> {
  if (!(await deps.webhooks.deleteEndpoint(shopId, endpointId))) throw new NotFound('The webhook endpoint');
  await deps.webhooks.releaseSlot(shopId, endpointId);
}

export async function listWebhookDeliveries(
  deps: Pick<WebhookDeps, 'webhooks'>,
  shopId: string,
  endpointId: string,
  page: { readonly limit: number; readonly cursor?: string | undefined },
): Promise<DeliveryPage> {
  if (!(await deps.webhooks.getEndpoint(shopId, endpointId))) throw new NotFound('The webhook endpoint');
  return deps.webhooks.listDeliveries(shopId, endpointId, page);
}

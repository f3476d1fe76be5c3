import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listWebhookDeliveries } from '../use-cases/webhooks.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.listWebhookDeliveries, async ({ principal, params, query }) => {
  const page = await listWebhookDeliveries(deps, principal.shop, params.webhookId, query);
  return reply({ items: page.items.map(({ eventId, eventType, eventAt, status, attempts }) => ({ eventId, eventType, eventAt, status, attempts })), nextCursor: page.nextCursor });
});

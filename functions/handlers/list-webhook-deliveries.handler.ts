import { operation } from '../api/webhooks/list-webhook-deliveries.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listWebhookDeliveries } from '../use-cases/webhooks.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { webhooksRepository } from '../adapters/dynamodb/webhooks.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository, webhooks: webhooksRepository });

export const handler = httpHandler(operation, async ({ principal, params, query }) => {
  const page = await listWebhookDeliveries(deps, principal.shop, params.webhookId, query);
  return reply({ items: page.items.map(({ eventId, eventType, eventAt, status, attempts }) => ({ eventId, eventType, eventAt, status, attempts })), nextCursor: page.nextCursor });
});

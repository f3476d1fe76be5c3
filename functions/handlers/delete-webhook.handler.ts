import { operation } from '../api/webhooks/delete-webhook.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { deleteWebhook } from '../use-cases/webhooks.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { webhooksRepository } from '../adapters/dynamodb/webhooks.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository, webhooks: webhooksRepository });

export const handler = httpHandler(operation, async ({ principal, params }) => {
  await deleteWebhook(deps, principal.shop, params.webhookId);
  return reply(undefined);
});

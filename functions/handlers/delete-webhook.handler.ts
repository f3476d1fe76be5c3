import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { deleteWebhook } from '../use-cases/webhooks.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.deleteWebhook, async ({ principal, params }) => {
  await deleteWebhook(deps, principal.shop, params.webhookId);
  return reply(undefined);
});

import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { createWebhook } from '../use-cases/webhooks.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.createWebhook, async ({ principal, body }) => reply(await createWebhook(deps, principal.shop, body)));

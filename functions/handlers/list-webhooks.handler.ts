import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listWebhooks } from '../use-cases/webhooks.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.listWebhooks, async ({ principal }) => reply(await listWebhooks(deps, principal.shop)));

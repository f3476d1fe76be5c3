import { operation } from '../api/webhooks/create-webhook.operation.ts';
import { config } from '../config.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { createWebhook } from '../use-cases/webhooks.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { webhooksRepository } from '../adapters/dynamodb/webhooks.repo.ts';
import { sealer } from '../wiring/sealer.ts';
import { table } from '../wiring/table.ts';

const deps = { ...table({ shops: shopsRepository, webhooks: webhooksRepository }), sealer, allowLocalHttp: config.webhooksAllowLocalHttp };

export const handler = httpHandler(operation, async ({ principal, body }) => reply(await createWebhook(deps, principal.shop, body)), { idempotency: idempotentRoute });

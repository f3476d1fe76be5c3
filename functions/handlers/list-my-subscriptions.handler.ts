import { operation } from '../api/storefront/list-my-subscriptions.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listMySubscriptions } from '../use-cases/my-subscriptions.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ subscriptions: subscriptionsRepository });

export const handler = httpHandler(operation, async ({ principal, query }) => reply(await listMySubscriptions(deps, principal.shop, principal.sub, query)));

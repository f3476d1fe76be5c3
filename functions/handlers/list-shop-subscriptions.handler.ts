import { operation } from '../api/subscriptions/list-shop-subscriptions.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listShopSubscriptions } from '../use-cases/list-shop-subscriptions.ts';
import { subscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ subscriptions: subscriptionsRepository });

export const handler = httpHandler(operation, async ({ principal, query }) => reply(await listShopSubscriptions(deps, principal.shop, query)));

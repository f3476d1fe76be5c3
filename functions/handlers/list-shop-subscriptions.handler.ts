import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listShopSubscriptions } from '../use-cases/list-shop-subscriptions.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.listShopSubscriptions, async ({ principal, query }) => reply(await listShopSubscriptions(deps, principal.shop, query)));

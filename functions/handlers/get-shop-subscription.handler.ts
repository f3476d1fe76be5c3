import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getShopSubscription } from '../use-cases/get-shop-subscription.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.getShopSubscription, async ({ principal, params }) =>
  reply(await getShopSubscription(deps, principal.shop, params.subscriptionId)),
);

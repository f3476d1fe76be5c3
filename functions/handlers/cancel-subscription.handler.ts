import { operations } from '../api/operations.ts';
import { toSubscriptionDetailView } from '../domain/subscription.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { cancelSubscription } from '../use-cases/cancel-subscription.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.cancelSubscription, async ({ principal, params, body }) =>
  reply(toSubscriptionDetailView(await cancelSubscription(deps, principal.shop, principal.sub, params.subscriptionId, body.productIds))),
);

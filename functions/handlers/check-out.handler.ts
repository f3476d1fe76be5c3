import { operations } from '../api/operations.ts';
import { toSubscriptionView } from '../domain/subscription.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { checkOut } from '../use-cases/check-out.ts';
import { deps } from '../wiring.ts';
import { gateways } from '../wiring/gateways.ts';

const storefront = { ...deps, gateways };

export const handler = httpHandler(operations.checkOut, async ({ principal, params, body }) =>
  reply(toSubscriptionView(await checkOut(storefront, principal.shop, principal.sub, params.subscriptionId, body))),
);

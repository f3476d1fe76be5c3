import { operations } from '../api/operations.ts';
import { toSubscriptionView } from '../domain/subscription.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { signUp } from '../use-cases/sign-up.ts';
import { deps } from '../wiring.ts';
import { gateways } from '../wiring/gateways.ts';

const storefront = { ...deps, gateways };

export const handler = httpHandler(operations.signUp, async ({ principal, body }) => {
  const { subscription, registration } = await signUp(storefront, principal.shop, principal.sub, body);
  return reply({ subscription: toSubscriptionView(subscription), registration });
});

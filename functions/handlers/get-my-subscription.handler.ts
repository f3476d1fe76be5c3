import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getMySubscription } from '../use-cases/my-subscriptions.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.getMySubscription, async ({ principal, params }) => reply(await getMySubscription(deps, principal.shop, principal.sub, params.subscriptionId)));

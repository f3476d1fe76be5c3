import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listMySubscriptions } from '../use-cases/my-subscriptions.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.listMySubscriptions, async ({ principal, query }) => reply(await listMySubscriptions(deps, principal.shop, principal.sub, query)));

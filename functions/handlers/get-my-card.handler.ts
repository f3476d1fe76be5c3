import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getMyCard } from '../use-cases/my-subscriptions.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.getMyCard, async ({ principal, query }) => reply(await getMyCard(deps, principal.shop, principal.sub, query.method)));

import { operation } from '../api/storefront/get-my-card.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getMyCard } from '../use-cases/my-subscriptions.ts';
import { sealedBillingKeys } from '../wiring/sealer.ts';
import { table } from '../wiring/table.ts';

const deps = table({ billingKeys: sealedBillingKeys });

export const handler = httpHandler(operation, async ({ principal, query }) => reply(await getMyCard(deps, principal.shop, principal.sub, query.method)));

import { storefrontApi } from '../api/storefront.api.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getMyCard } from '../use-cases/my-subscriptions.ts';
import { billingKeysRepository } from '../adapters/dynamodb/billing-keys.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ billingKeys: billingKeysRepository });

export const handler = httpHandler(storefrontApi.getMyCard, async ({ principal, query }) => reply(await getMyCard(deps, principal.shop, principal.sub, query.method)));

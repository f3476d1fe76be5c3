import { operation } from '../api/storefront/get-my-card.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getMyCard } from '../use-cases/my-subscriptions.ts';
import { maskedBillingKeys } from '../wiring/masked-billing-keys.ts';
import { table } from '../wiring/table.ts';

// The card is shown masked only: no sealer, so no KMS client at cold start (it is granted no KMS key).
const deps = table({ billingKeys: maskedBillingKeys });

export const handler = httpHandler(operation, async ({ principal, query }) => reply(await getMyCard(deps, principal.shop, principal.sub, query.method)));

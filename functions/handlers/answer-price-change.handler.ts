import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { answerPriceChange } from '../use-cases/price-consent.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.answerPriceChange, async ({ principal, params, body }) =>
  reply(await answerPriceChange(deps, principal.shop, principal.sub, params.subscriptionId, body.accept)),
);

import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { topUpCredits } from '../use-cases/top-up-credits.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.topUpCredits, async ({ params, body }) => reply(await topUpCredits(deps, params.shopId, body)));

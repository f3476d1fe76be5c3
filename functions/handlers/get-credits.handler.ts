import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getCredits } from '../use-cases/get-credits.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.getCredits, async ({ principal }) => reply(await getCredits(deps, principal.shop)));

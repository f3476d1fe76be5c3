import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { changeCardPg } from '../use-cases/service.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.changeCardPg, async ({ principal, body }) => reply(await changeCardPg(deps, principal.shop, body.cardPg)));

import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { changeCardPg } from '../use-cases/service.ts';
import { deps } from '../wiring.ts';
import { workQueue } from '../wiring/work-queue.ts';

const withQueue = { ...deps, workQueue };

export const handler = httpHandler(operations.changeCardPg, async ({ principal, body }) => reply(await changeCardPg(withQueue, principal.shop, body.cardPg)));

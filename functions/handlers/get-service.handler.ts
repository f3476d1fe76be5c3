import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getService } from '../use-cases/service.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.getService, async ({ principal }) => reply(await getService(deps, principal.shop)));

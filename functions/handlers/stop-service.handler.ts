import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { stopService } from '../use-cases/service.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.stopService, async ({ principal }) => reply(await stopService(deps, principal.shop), 202));

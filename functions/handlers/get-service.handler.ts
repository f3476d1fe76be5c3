import { FUNCTIONS } from '../../system/functions.ts';
import { httpHandler, ok } from '../http/http-handler.ts';
import { getService } from '../use-cases/get-service.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(FUNCTIONS.getService, {}, async ({ principal }) => ok(await getService(deps, principal.shop)));

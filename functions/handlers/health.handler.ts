import { FUNCTIONS } from '../../system/functions.ts';
import { httpHandler, ok } from '../http/http-handler.ts';
import { checkHealth } from '../use-cases/check-health.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(FUNCTIONS.health, {}, async () => ok(await checkHealth(deps)));

import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { checkHealth } from '../use-cases/check-health.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.health, async () => reply(await checkHealth(deps)));

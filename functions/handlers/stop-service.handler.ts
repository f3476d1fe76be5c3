import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { stopService } from '../use-cases/service.ts';
import { deps } from '../wiring.ts';
import { workQueue } from '../wiring/work-queue.ts';

const withQueue = { ...deps, workQueue };

export const handler = httpHandler(operations.stopService, async ({ principal }) => reply(await stopService(withQueue, principal.shop), 202));

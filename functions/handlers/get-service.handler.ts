import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getService } from '../use-cases/service.ts';
import { deps } from '../wiring.ts';
import { workQueue } from '../wiring/work-queue.ts';

const withQueue = { ...deps, workQueue };

export const handler = httpHandler(operations.getService, async ({ principal }) => reply(await getService(withQueue, principal.shop)));

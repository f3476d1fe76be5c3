import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { applyForService } from '../use-cases/service.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.applyForService, async ({ principal, body }) => reply(await applyForService(deps, principal.shop, body)));

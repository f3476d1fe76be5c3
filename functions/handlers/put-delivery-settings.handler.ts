import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { putDeliverySettings } from '../use-cases/settings.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.putDeliverySettings, async ({ principal, body }) => reply(await putDeliverySettings(deps, principal.shop, body)));

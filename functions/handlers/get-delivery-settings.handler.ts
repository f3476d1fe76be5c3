import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getDeliverySettings } from '../use-cases/settings.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.getDeliverySettings, async ({ principal }) => reply(await getDeliverySettings(deps, principal.shop)));

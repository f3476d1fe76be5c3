import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getNotificationSettings } from '../use-cases/settings.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.getNotificationSettings, async ({ principal }) => reply(await getNotificationSettings(deps, principal.shop)));

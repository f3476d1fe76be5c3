import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { putNotificationSettings } from '../use-cases/settings.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.putNotificationSettings, async ({ principal, body }) => reply(await putNotificationSettings(deps, principal.shop, body)));

import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getSubscriptionSettings } from '../use-cases/settings.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.getSubscriptionSettings, async ({ principal }) => reply(await getSubscriptionSettings(deps, principal.shop)));

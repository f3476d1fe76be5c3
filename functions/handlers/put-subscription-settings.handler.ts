import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { putSubscriptionSettings } from '../use-cases/settings.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.putSubscriptionSettings, async ({ principal, body }) => reply(await putSubscriptionSettings(deps, principal.shop, body)));

import { operation } from '../api/settings/put-subscription-settings.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { putSubscriptionSettings } from '../use-cases/settings.ts';
import { settingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository, settings: settingsRepository });

export const handler = httpHandler(operation, async ({ principal, body }) => reply(await putSubscriptionSettings(deps, principal.shop, body)));

import { operation } from '../api/settings/put-delivery-settings.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { putDeliverySettings } from '../use-cases/settings.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository });

export const handler = httpHandler(operation, async ({ principal, body }) => reply(await putDeliverySettings(deps, principal.shop, body)));

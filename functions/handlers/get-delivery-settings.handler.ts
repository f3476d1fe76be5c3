import { operation } from '../api/settings/get-delivery-settings.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getDeliverySettings } from '../use-cases/settings.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository });

export const handler = httpHandler(operation, async ({ principal }) => reply(await getDeliverySettings(deps, principal.shop)));

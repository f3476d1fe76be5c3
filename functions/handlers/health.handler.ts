import { operation } from '../api/system/health.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { checkHealth } from '../use-cases/check-health.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository });

export const handler = httpHandler(operation, async () => reply(await checkHealth(deps)));

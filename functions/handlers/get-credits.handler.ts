import { operation } from '../api/credits/get-credits.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { getCredits } from '../use-cases/get-credits.ts';
import { creditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository, credits: creditsRepository });

export const handler = httpHandler(operation, async ({ principal }) => reply(await getCredits(deps, principal.shop)));

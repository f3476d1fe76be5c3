import { operation } from '../api/credits/top-up-credits.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { topUpCredits } from '../use-cases/top-up-credits.ts';
import { creditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository, credits: creditsRepository });

export const handler = httpHandler(operation, async ({ params, body }) => reply(await topUpCredits(deps, params.shopId, body)), { idempotency: idempotentRoute });

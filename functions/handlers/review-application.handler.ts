import { operation } from '../api/service/review-application.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { reviewApplication } from '../use-cases/service.ts';
import { pgContractsRepository } from '../adapters/dynamodb/pg-contracts.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository, pgContracts: pgContractsRepository });

export const handler = httpHandler(operation, async ({ params, body }) =>
  reply(await reviewApplication(deps, params.shopId, body.decision, body.reason)),
);

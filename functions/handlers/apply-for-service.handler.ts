import { operation } from '../api/service/apply-for-service.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { applyForService } from '../use-cases/service.ts';
import { pgContractsRepository } from '../adapters/dynamodb/pg-contracts.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository, pgContracts: pgContractsRepository });

export const handler = httpHandler(operation, async ({ principal, body }) => reply(await applyForService(deps, principal.shop, body)));

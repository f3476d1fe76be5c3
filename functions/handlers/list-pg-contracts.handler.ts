import { operation } from '../api/pg-contracts/list-pg-contracts.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listPgContracts } from '../use-cases/pg-contracts.ts';
import { pgContractsRepository } from '../adapters/dynamodb/pg-contracts.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ shops: shopsRepository, pgContracts: pgContractsRepository });

export const handler = httpHandler(operation, async ({ params }) => reply(await listPgContracts(deps, params.shopId)));

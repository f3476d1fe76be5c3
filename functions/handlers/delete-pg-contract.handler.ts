import { operation } from '../api/pg-contracts/delete-pg-contract.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { deletePgContract } from '../use-cases/pg-contracts.ts';
import { pgContractsRepository } from '../adapters/dynamodb/pg-contracts.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { stopJobsRepository } from '../adapters/dynamodb/stop-jobs.repo.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const deps = { ...table({ shops: shopsRepository, pgContracts: pgContractsRepository, stopJobs: stopJobsRepository }), workQueue };

export const handler = httpHandler(operation, async ({ params }) => {
  await deletePgContract(deps, params.shopId, params.gateway);
  return reply(undefined);
});

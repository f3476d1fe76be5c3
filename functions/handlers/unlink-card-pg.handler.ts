import { operation } from '../api/service/unlink-card-pg.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { changeCardPg } from '../use-cases/service.ts';
import { pgContractsRepository } from '../adapters/dynamodb/pg-contracts.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { stopJobsRepository } from '../adapters/dynamodb/stop-jobs.repo.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const deps = table({ shops: shopsRepository, pgContracts: pgContractsRepository, stopJobs: stopJobsRepository });
const withQueue = { ...deps, workQueue };

export const handler = httpHandler(operation, async ({ principal }) => reply(await changeCardPg(withQueue, principal.shop, null)));

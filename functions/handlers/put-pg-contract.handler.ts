import { operation } from '../api/pg-contracts/put-pg-contract.operation.ts';
import { ValidationFailed } from '../core/errors.ts';
import { requireAvailable } from '../domain/pg-contract.ts';
import { hasCredentialSchema, PG_CREDENTIAL_SCHEMAS } from '../domain/pg-credentials.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { putPgContract } from '../use-cases/pg-contracts.ts';
import { pgContractsRepository } from '../adapters/dynamodb/pg-contracts.repo.ts';
import { shopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { stopJobsRepository } from '../adapters/dynamodb/stop-jobs.repo.ts';
import { sealer } from '../wiring/sealer.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const deps = { ...table({ shops: shopsRepository, pgContracts: pgContractsRepository, stopJobs: stopJobsRepository }), sealer, workQueue };

export const handler = httpHandler(operation, async ({ params, body }) => {
  requireAvailable(params.gateway);
  if (!hasCredentialSchema(params.gateway)) throw new ValidationFailed([{ path: 'path.gateway', message: 'This gateway takes no contract.' }]);
  // One schema per gateway; the messages name fields and rules, never the values sent.
  const parsed = PG_CREDENTIAL_SCHEMAS[params.gateway].safeParse(body);
  if (!parsed.success) throw new ValidationFailed(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || 'body', message: issue.message.replace(/"[^"]*"/g, '"…"') })));
  await putPgContract(deps, params.shopId, params.gateway, parsed.data);
  return reply(undefined);
});

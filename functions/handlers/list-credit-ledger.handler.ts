import { operation } from '../api/credits/list-credit-ledger.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listCreditLedger } from '../use-cases/list-credit-ledger.ts';
import { creditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import { table } from '../wiring/table.ts';

const deps = table({ credits: creditsRepository });

export const handler = httpHandler(operation, async ({ principal, query }) => reply(await listCreditLedger(deps, principal.shop, query)));

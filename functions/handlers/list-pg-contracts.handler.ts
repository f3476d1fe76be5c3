import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { listPgContracts } from '../use-cases/pg-contracts.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.listPgContracts, async ({ params }) => reply(await listPgContracts(deps, params.shopId)));

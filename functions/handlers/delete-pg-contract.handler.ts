import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { deletePgContract } from '../use-cases/pg-contracts.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.deletePgContract, async ({ params }) => {
  await deletePgContract(deps, params.shopId, params.gateway);
  return reply(undefined);
});

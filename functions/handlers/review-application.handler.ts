import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { reviewApplication } from '../use-cases/service.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.reviewApplication, async ({ params, body }) =>
  reply(await reviewApplication(deps, params.shopId, body.decision, body.reason)),
);

import { operations } from '../api/operations.ts';
import { ValidationFailed } from '../core/errors.ts';
import { requireAvailable } from '../domain/pg-contract.ts';
import { hasCredentialSchema, PG_CREDENTIAL_SCHEMAS } from '../domain/pg-credentials.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { putPgContract } from '../use-cases/pg-contracts.ts';
import { deps } from '../wiring.ts';

export const handler = httpHandler(operations.putPgContract, async ({ params, body }) => {
  requireAvailable(params.gateway);
  if (!hasCredentialSchema(params.gateway)) throw new ValidationFailed([{ path: 'path.gateway', message: 'This gateway takes no contract.' }]);
  // One schema per gateway; the messages name fields and rules, never the values sent.
  const parsed = PG_CREDENTIAL_SCHEMAS[params.gateway].safeParse(body);
  if (!parsed.success) throw new ValidationFailed(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || 'body', message: issue.message.replace(/"[^"]*"/g, '"…"') })));
  await putPgContract(deps, params.shopId, params.gateway, parsed.data);
  return reply(undefined);
});

import { operation } from '../api/merchant-actions/retry-cycle.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';
import { idempotentRoute } from '../http/idempotency.ts';
import { retryCycle } from '../use-cases/retry-cycle.ts';
import { cyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import { shopRecords } from '../adapters/dynamodb/shops.repo.ts';
import { subscriptionRecords } from '../adapters/dynamodb/subscriptions.repo.ts';
import { maskedBillingKeys } from '../wiring/masked-billing-keys.ts';
import { table } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

// The billing key is only looked at masked (getMasked): no sealer, no KMS client.
const deps = { ...table({ cycles: cyclesRepository, subscriptions: subscriptionRecords, shops: shopRecords, billingKeys: maskedBillingKeys }), workQueue };

export const handler = httpHandler(
  operation,
  async ({ principal, params }) => reply(await retryCycle(deps, principal.shop, params.subscriptionId, params.deliveryDate)),
  { idempotency: idempotentRoute },
);

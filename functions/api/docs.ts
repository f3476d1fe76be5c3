/**
 * Every HTTP operation's documentation side (functions/api/operation-docs.ts), keyed by its function name: what
 * the OpenAPI document (openapi.ts) and the tests read, never a handler. Its type makes a missing operation, a
 * response schema missing for an operation that answers a body, or one given for a 204, a compile error.
 */
import type * as z from '../core/validation.ts';
import { creditsDocs } from './credits/credits.docs.ts';
import { merchantActionsDocs } from './merchant-actions/merchant-actions.docs.ts';
import type { OperationDocs } from './operation-docs.ts';
import type { HttpFunctionName } from './operation.ts';
import type { operations } from './operations.ts';
import { ordersDocs } from './orders/orders.docs.ts';
import { pgContractsDocs } from './pg-contracts/pg-contracts.docs.ts';
import { productsDocs } from './products/products.docs.ts';
import { serviceDocs } from './service/service.docs.ts';
import { settingsDocs } from './settings/settings.docs.ts';
import { shopsDocs } from './shops/shops.docs.ts';
import { storefrontDocs } from './storefront/storefront.docs.ts';
import { subscriptionsDocs } from './subscriptions/subscriptions.docs.ts';
import { systemDocs } from './system/system.docs.ts';
import { webhooksDocs } from './webhooks/webhooks.docs.ts';

/** A 204 answers no body, so documents none; every other status documents its body. */
type DocsFor<Status> = Status extends 204 ? OperationDocs & { readonly response?: never } : OperationDocs & { readonly response: z.ZodMiniType };

export const docs = {
  ...systemDocs,
  ...shopsDocs,
  ...serviceDocs,
  ...settingsDocs,
  ...productsDocs,
  ...creditsDocs,
  ...subscriptionsDocs,
  ...storefrontDocs,
  ...pgContractsDocs,
  ...webhooksDocs,
  ...ordersDocs,
  ...merchantActionsDocs,
} satisfies { readonly [K in HttpFunctionName]: DocsFor<(typeof operations)[K]['status']> };

/**
 * Every HTTP operation, keyed by its function name in system/functions.ts. The
 * type below makes a route without an operation a compile error.
 */
import type { FUNCTIONS, FunctionName } from '../../system/functions.ts';
import { creditsApi } from './credits.api.ts';
import { merchantActionsApi } from './merchant-actions.api.ts';
import { ordersApi } from './orders.api.ts';
import type { Operation } from './operation.ts';
import { productsApi } from './products.api.ts';
import { pgContractsApi } from './pg-contracts.api.ts';
import { serviceApi } from './service.api.ts';
import { settingsApi } from './settings.api.ts';
import { shopsApi } from './shops.api.ts';
import { subscriptionsApi } from './subscriptions.api.ts';
import { storefrontApi } from './storefront.api.ts';
import { systemApi } from './system.api.ts';
import { webhooksApi } from './webhooks.api.ts';

export type HttpFunctionName = { [K in FunctionName]: (typeof FUNCTIONS)[K]['kind'] extends 'http' ? K : never }[FunctionName];

export const operations = {
  ...systemApi,
  ...shopsApi,
  ...serviceApi,
  ...settingsApi,
  ...productsApi,
  ...creditsApi,
  ...subscriptionsApi,
  ...storefrontApi,
  ...pgContractsApi,
  ...webhooksApi,
  ...ordersApi,
  ...merchantActionsApi,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own precise type; this only checks coverage
} satisfies Record<HttpFunctionName, Operation<any, any, any, any>>;

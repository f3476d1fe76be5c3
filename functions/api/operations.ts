/**
 * Every HTTP operation's request side, keyed by its function name in system/functions.ts: what the OpenAPI
 * document (openapi.ts) and the tests read. No handler imports this registry — each imports its own operation's
 * module, so that its bundle carries that one (issue 12). The type below makes a route without an operation, or
 * an operation filed under another function's name, a compile error. The order is the OpenAPI document's.
 */
import { operation as answerPriceChange } from './storefront/answer-price-change.operation.ts';
import { operation as applyForService } from './service/apply-for-service.operation.ts';
import { operation as cancelShopSubscription } from './merchant-actions/cancel-shop-subscription.operation.ts';
import { operation as cancelSubscription } from './storefront/cancel-subscription.operation.ts';
import { operation as changeCardPg } from './service/change-card-pg.operation.ts';
import { operation as changeShopSubscription } from './merchant-actions/change-shop-subscription.operation.ts';
import { operation as changeSubscription } from './storefront/change-subscription.operation.ts';
import { operation as checkOut } from './storefront/check-out.operation.ts';
import { operation as createShop } from './shops/create-shop.operation.ts';
import { operation as createWebhook } from './webhooks/create-webhook.operation.ts';
import { operation as deletePgContract } from './pg-contracts/delete-pg-contract.operation.ts';
import { operation as deleteWebhook } from './webhooks/delete-webhook.operation.ts';
import { operation as exportOrders } from './orders/export-orders.operation.ts';
import { operation as getCredits } from './credits/get-credits.operation.ts';
import { operation as getDeliverySettings } from './settings/get-delivery-settings.operation.ts';
import { operation as getMyCard } from './storefront/get-my-card.operation.ts';
import { operation as getMySubscription } from './storefront/get-my-subscription.operation.ts';
import { operation as getNotificationSettings } from './settings/get-notification-settings.operation.ts';
import { operation as getProduct } from './products/get-product.operation.ts';
import { operation as getPurchaseOptions } from './products/get-purchase-options.operation.ts';
import { operation as getService } from './service/get-service.operation.ts';
import { operation as getShopSubscription } from './subscriptions/get-shop-subscription.operation.ts';
import { operation as getSubscriptionSettings } from './settings/get-subscription-settings.operation.ts';
import { operation as health } from './system/health.operation.ts';
import { operation as listCreditLedger } from './credits/list-credit-ledger.operation.ts';
import { operation as listMySubscriptions } from './storefront/list-my-subscriptions.operation.ts';
import { operation as listOrders } from './orders/list-orders.operation.ts';
import { operation as listPaymentGateways } from './pg-contracts/list-payment-gateways.operation.ts';
import { operation as listPgContracts } from './pg-contracts/list-pg-contracts.operation.ts';
import { operation as listProducts } from './products/list-products.operation.ts';
import { operation as listShopSubscriptions } from './subscriptions/list-shop-subscriptions.operation.ts';
import { operation as listWebhookDeliveries } from './webhooks/list-webhook-deliveries.operation.ts';
import { operation as listWebhooks } from './webhooks/list-webhooks.operation.ts';
import { operation as openApi } from './system/open-api.operation.ts';
import { operation as pauseSubscription } from './storefront/pause-subscription.operation.ts';
import { operation as putDeliverySettings } from './settings/put-delivery-settings.operation.ts';
import { operation as putNotificationSettings } from './settings/put-notification-settings.operation.ts';
import { operation as putPgContract } from './pg-contracts/put-pg-contract.operation.ts';
import { operation as putProduct } from './products/put-product.operation.ts';
import { operation as putSubscriptionSettings } from './settings/put-subscription-settings.operation.ts';
import { operation as resolveCycle } from './subscriptions/resolve-cycle.operation.ts';
import { operation as resumeSubscription } from './storefront/resume-subscription.operation.ts';
import { operation as retryCycle } from './merchant-actions/retry-cycle.operation.ts';
import { operation as reviewApplication } from './service/review-application.operation.ts';
import { operation as setEasyPay } from './service/set-easy-pay.operation.ts';
import { operation as signUp } from './storefront/sign-up.operation.ts';
import { operation as skipDelivery } from './storefront/skip-delivery.operation.ts';
import { operation as startCardChange } from './storefront/start-card-change.operation.ts';
import { operation as stopService } from './service/stop-service.operation.ts';
import { operation as topUpCredits } from './credits/top-up-credits.operation.ts';
import { operation as unlinkCardPg } from './service/unlink-card-pg.operation.ts';
import type { HttpFunctionName, Operation } from './operation.ts';

export const operations = {
  health,
  openApi,
  createShop,
  getService,
  applyForService,
  reviewApplication,
  changeCardPg,
  unlinkCardPg,
  stopService,
  setEasyPay,
  getNotificationSettings,
  putNotificationSettings,
  getSubscriptionSettings,
  putSubscriptionSettings,
  getDeliverySettings,
  putDeliverySettings,
  putProduct,
  listProducts,
  getProduct,
  getPurchaseOptions,
  topUpCredits,
  getCredits,
  listCreditLedger,
  resolveCycle,
  listShopSubscriptions,
  getShopSubscription,
  signUp,
  checkOut,
  listMySubscriptions,
  getMySubscription,
  cancelSubscription,
  answerPriceChange,
  getMyCard,
  skipDelivery,
  pauseSubscription,
  resumeSubscription,
  changeSubscription,
  startCardChange,
  listPaymentGateways,
  putPgContract,
  listPgContracts,
  deletePgContract,
  createWebhook,
  listWebhooks,
  deleteWebhook,
  listWebhookDeliveries,
  listOrders,
  exportOrders,
  cancelShopSubscription,
  changeShopSubscription,
  retryCycle,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry keeps its own precise type; this checks coverage and names
} satisfies { readonly [K in HttpFunctionName]: Operation<any, any, any, any> & { readonly name: K } };

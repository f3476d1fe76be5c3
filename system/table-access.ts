/**
 * Which partitions of the table each function may touch: lib/ turns this into
 * `dynamodb:LeadingKeys` conditions on the function's table grant (issue 11,
 * "blast radius"), so that — for example — the public purchase-options and
 * health functions can never read a billing key or a subscription, even if
 * their code were made to ask.
 *
 * The key design (functions/adapters/dynamodb/keys.ts) puts each kind of data
 * under a recognisable partition-key prefix. IAM's StringLike `*` also matches
 * `#`, so `SHOP#*` covers every shop sub-partition: the buyers' billing keys
 * (`SHOP#…#CUST#…`) are therefore also DENIED explicitly to every function
 * that is not granted them.
 *
 * Queries on the secondary indexes are granted on the index ARNs without a
 * LeadingKeys condition (index partition keys are other attributes, which the
 * condition key does not describe); what an index holds is the same shop- or
 * buyer-scoped data the table grant already limits per function.
 */
import type { FunctionName } from './functions.ts';

/** Partition families and the LeadingKeys patterns (IAM StringLike) that match their partition keys. */
export const PARTITION_FAMILIES = {
  /** The health probe item. */
  health: ['HEALTH'],
  /**
   * A shop's profile, service state, settings, credit balances, products, stop jobs, PG contracts (sealed: only
   * functions with kms:Decrypt can open them) — and, by wildcard, its sub-partitions.
   */
  shop: ['SHOP#*'],
  /** A shop's credit ledger and top-up references. */
  ledger: ['SHOP#*#LEDGER'],
  /** Credit blocks reserved by workers. */
  creditBlocks: ['SHOP#*#CREDITBLOCK#*'],
  /** Operator notices of a shop. */
  shopNotices: ['SHOP#*#NOTIFY'],
  /** A buyer's registered card (or KakaoPay): the billing keys. */
  billingKeys: ['SHOP#*#CUST#*'],
  /** A subscription with its items, cycles, notification log and orders. */
  subscriptions: ['SUB#*'],
  /** One webhook endpoint's deliveries and their attempts (issue 13). */
  webhookDeliveries: ['SHOP#*#WEBHOOK#*'],
  /** Idempotency-Key records of the idempotent routes (functions/http/idempotency.ts), one partition per route. */
  idempotency: ['IDEMPOTENCY#*'],
} as const satisfies Record<string, readonly string[]>;

export type PartitionFamily = keyof typeof PARTITION_FAMILIES;

/**
 * Each function's partitions. A function missing here gets no condition (the whole table) — a CDK test fails
 * for it, so a new function declares its partitions the day it is added.
 */
export const TABLE_PARTITIONS: Readonly<Partial<Record<FunctionName, readonly PartitionFamily[]>>> = {
  health: ['health'],
  createShop: ['shop', 'idempotency'],
  getService: ['shop'],
  listPaymentGateways: [],
  putPgContract: ['shop'],
  listPgContracts: ['shop'],
  deletePgContract: ['shop'],
  resolveCycle: ['shop', 'subscriptions', 'shopNotices', 'idempotency'],
  openApi: [],
  reviewApplication: ['shop'],
  topUpCredits: ['shop', 'ledger', 'idempotency'],
  applyForService: ['shop'],
  changeCardPg: ['shop'],
  unlinkCardPg: ['shop'],
  setEasyPay: ['shop'],
  stopService: ['shop'],
  getNotificationSettings: ['shop'],
  putNotificationSettings: ['shop'],
  getSubscriptionSettings: ['shop'],
  putSubscriptionSettings: ['shop'],
  getDeliverySettings: ['shop'],
  putDeliverySettings: ['shop'],
  getCredits: ['shop', 'creditBlocks'],
  listCreditLedger: ['ledger'],
  putProduct: ['shop'],
  listProducts: ['shop'],
  getProduct: ['shop'],
  getPurchaseOptions: ['shop'],
  listShopSubscriptions: ['subscriptions'],
  getShopSubscription: ['shop', 'subscriptions'],
  cancelShopSubscription: ['shop', 'subscriptions', 'idempotency'],
  changeShopSubscription: ['shop', 'subscriptions'],
  retryCycle: ['shop', 'subscriptions', 'billingKeys', 'idempotency'],
  // The orders are cycles (SUB#…) read through the index; the product names are the shop's.
  listOrders: ['shop', 'subscriptions'],
  exportOrders: ['shop', 'subscriptions'],
  signUp: ['shop', 'subscriptions', 'idempotency'],
  checkOut: ['shop', 'subscriptions', 'billingKeys', 'idempotency'],
  listMySubscriptions: ['subscriptions'],
  getMySubscription: ['shop', 'subscriptions'],
  answerPriceChange: ['shop', 'subscriptions', 'idempotency'],
  cancelSubscription: ['shop', 'subscriptions'],
  getMyCard: ['billingKeys'],
  skipDelivery: ['shop', 'subscriptions', 'idempotency'],
  pauseSubscription: ['shop', 'subscriptions', 'idempotency'],
  resumeSubscription: ['shop', 'subscriptions', 'idempotency'],
  changeSubscription: ['shop', 'subscriptions'],
  startCardChange: ['shop', 'subscriptions', 'idempotency'],
  createWebhook: ['shop', 'idempotency'],
  listWebhooks: ['shop'],
  deleteWebhook: ['shop'],
  listWebhookDeliveries: ['shop', 'webhookDeliveries'],
  // The due index is a secondary index; the end-of-run sweep releases abandoned credit blocks to their balances.
  noticeRun: ['shop', 'creditBlocks'],
  chargeRun: ['shop', 'creditBlocks'],
  maintenanceRun: ['shop', 'subscriptions'],
  noticeWorker: ['shop', 'ledger', 'creditBlocks', 'shopNotices', 'subscriptions'],
  chargeWorker: ['shop', 'ledger', 'creditBlocks', 'shopNotices', 'subscriptions', 'billingKeys'],
  webhookFanout: ['shop', 'webhookDeliveries'],
  webhookDelivery: ['shop', 'webhookDeliveries'],
  stopWorker: ['shop', 'ledger', 'creditBlocks', 'shopNotices', 'subscriptions', 'billingKeys'],
  priceChangeWorker: ['shop', 'ledger', 'creditBlocks', 'subscriptions'],
};

/** The LeadingKeys patterns a function may touch, and those it is explicitly denied (billing keys unless granted). */
export function leadingKeysOf(name: FunctionName): { readonly allow: string[]; readonly deny: string[] } | undefined {
  const families = TABLE_PARTITIONS[name];
  if (families === undefined) return undefined;
  const allow = families.flatMap((family) => [...PARTITION_FAMILIES[family]]);
  const deny = families.includes('billingKeys') || !allow.some((pattern) => pattern.startsWith('SHOP#')) ? [] : [...PARTITION_FAMILIES.billingKeys];
  return { allow, deny };
}

/**
 * The one module that knows how items are keyed. Every other module calls the
 * functions below, named after entities and access patterns; nobody else
 * builds a `pk` string. docs/data-model.md is the prose version of this file.
 */
import { DUE_SHARDS, TABLE_INDEXES, type IndexName } from '../../../system/table.ts';

/** Identifiers become parts of keys, so they must never contain the separator. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

const shopPk = (shopId: string) => `SHOP#${shopId}`;
const customerPk = (shopId: string, customerId: string) => `SHOP#${shopId}#CUST#${customerId}`;
const subscriptionPk = (subscriptionId: string) => `SUB#${subscriptionId}`;
/** The partition of one webhook endpoint's deliveries. */
export const webhookDeliveriesPk = (shopId: string, endpointId: string) => `SHOP#${shopId}#WEBHOOK#${endpointId}`;

export type CreditKind = 'sms' | 'bulkMail';
/** The contact details a merchant finds a subscription by (normalised: functions/domain/subscription.ts). */
export type ContactKind = 'EMAIL' | 'PHONE';
export type PaymentMethod = 'card' | 'kakaopay';

/** Primary keys of every entity (docs/data-model.md, "Entities"). */
export const keys = {
  /** Shop profile and its service state live on one item: every service transition is one conditional write. */
  shop: (shopId: string): ItemKey => ({ pk: shopPk(shopId), sk: 'SHOP' }),
  notificationSettings: (shopId: string): ItemKey => ({ pk: shopPk(shopId), sk: 'SETTINGS#NOTIFICATIONS' }),
  creditBalance: (shopId: string, kind: CreditKind): ItemKey => ({ pk: shopPk(shopId), sk: `CREDITS#${kind}` }),
  /** One ledger entry per operation id: a retried debit or top-up finds its entry and is not applied twice. */
  creditLedgerEntry: (shopId: string, operationId: string): ItemKey => ({ pk: `SHOP#${shopId}#LEDGER`, sk: `ENTRY#${operationId}` }),
  /** A top-up's purchase reference, claimed once per shop whatever the credit kinds (a reference is one purchase). */
  topUpReference: (shopId: string, reference: string): ItemKey => ({ pk: `SHOP#${shopId}#LEDGER`, sk: `REFERENCE#${reference}` }),
  /**
   * A block of credits one worker reserved (docs/data-model.md, "Credits"). Its own partition: every message
   * debits it, and that per-message traffic must not share a partition key with the shop and its balances.
   */
  creditBlock: (shopId: string, kind: CreditKind, blockId: string): ItemKey => ({ pk: `SHOP#${shopId}#CREDITBLOCK#${kind}#${blockId}`, sk: 'BLOCK' }),
  product: (shopId: string, productId: string): ItemKey => ({ pk: shopPk(shopId), sk: `PRODUCT#${productId}` }),
  stopJob: (shopId: string, jobId: string): ItemKey => ({ pk: shopPk(shopId), sk: `STOP#${jobId}` }),
  /** Issue 14: the job that tells every subscriber of a product about one price increase; jobId = the change id. */
  priceChangeJob: (shopId: string, jobId: string): ItemKey => ({ pk: shopPk(shopId), sk: `PRICEJOB#${jobId}` }),
  /** Issue 14: a subscriber's answer to one price change (the latest answer wins; `at` says when). */
  priceConsent: (subscriptionId: string, changeId: string): ItemKey => ({ pk: subscriptionPk(subscriptionId), sk: `CONSENT#${changeId}` }),
  /** A shop's contract with one PG (credentials sealed); one item per gateway, so a rotation overwrites it. */
  pgContract: (shopId: string, gateway: string): ItemKey => ({ pk: shopPk(shopId), sk: `PGCONTRACT#${gateway}` }),
  /** S10: one registered card (and separately one KakaoPay registration) per buyer per shop. */
  billingKey: (shopId: string, customerId: string, method: PaymentMethod): ItemKey => ({ pk: customerPk(shopId, customerId), sk: `BILLINGKEY#${method}` }),
  subscription: (subscriptionId: string): ItemKey => ({ pk: subscriptionPk(subscriptionId), sk: 'SUB' }),
  /** One line item per product: what puts a subscription into the by-product index. */
  subscriptionItem: (subscriptionId: string, productId: string): ItemKey => ({ pk: subscriptionPk(subscriptionId), sk: `ITEM#${productId}` }),
  /**
   * A pointer to the subscription under one of its contact details (issue 13: the merchant's search by email or
   * phone): what puts it into the by-email or by-phone partition of gsi4. One per kind, so a new value overwrites it.
   */
  subscriptionContact: (subscriptionId: string, kind: ContactKind): ItemKey => ({ pk: subscriptionPk(subscriptionId), sk: `CONTACT#${kind}` }),
  /** A delivery cycle, keyed by its delivery date: the notice and the charge of one date can only happen once. */
  cycle: (subscriptionId: string, deliveryDate: string): ItemKey => ({ pk: subscriptionPk(subscriptionId), sk: `CYCLE#${deliveryDate}` }),
  /** Written before a mail or SMS is sent: the record that makes sending at-most-once per (cycle, kind, channel). */
  notification: (subscriptionId: string, deliveryDate: string, kind: string, channel: 'mail' | 'sms'): ItemKey => ({
    pk: subscriptionPk(subscriptionId),
    sk: `NOTIFY#${deliveryDate}#${kind}#${channel}`,
  }),
  /**
   * A notice to a shop's operator, at most one per (shop, date, kind) — e.g. "SMS credits exhausted" (S12).
   * Its own partition: on a morning a shop runs dry, every refused SMS checks this item, and that traffic must
   * not share a partition key with the shop item and its credit balances.
   */
  shopNotification: (shopId: string, date: string, kind: string): ItemKey => ({ pk: `SHOP#${shopId}#NOTIFY`, sk: `NOTIFY#${date}#${kind}#mail` }),
  /**
   * The ids of a shop's webhook endpoints, one map entry each (id → reserved at): the conditional write on its
   * size is what caps a shop at MAX_WEBHOOK_ENDPOINTS without a transaction.
   */
  webhookSlots: (shopId: string): ItemKey => ({ pk: shopPk(shopId), sk: 'WEBHOOKS' }),
  /** A webhook endpoint (its secret sealed). */
  webhookEndpoint: (shopId: string, endpointId: string): ItemKey => ({ pk: shopPk(shopId), sk: `WEBHOOK#${endpointId}` }),
  /**
   * One event's delivery to one endpoint, with every attempt. Its own partition per endpoint (a busy endpoint's
   * retries never share a partition key with the shop item), sorted by the event's time so a list is newest first.
   */
  webhookDelivery: (shopId: string, endpointId: string, eventAt: string, eventId: string): ItemKey => ({
    pk: webhookDeliveriesPk(shopId, endpointId),
    sk: `DELIVERY#${eventAt}#${eventId}`,
  }),
  /** Never written: the health check reads it to prove the table answers. */
  healthProbe: (): ItemKey => ({ pk: 'HEALTH', sk: 'HEALTH' }),
} as const;

/** Sort-key prefixes for begins_with queries within a partition. */
export const sortKeyPrefixes = {
  products: 'PRODUCT#',
  pgContracts: 'PGCONTRACT#',
  credits: 'CREDITS#',
  subscriptionItems: 'ITEM#',
  cycles: 'CYCLE#',
  notifications: 'NOTIFY#',
  priceConsents: 'CONSENT#',
  webhookEndpoints: 'WEBHOOK#',
  webhookDeliveries: 'DELIVERY#',
  /** gsi2 sort keys of subscriptions (the customer partition may hold other kinds later). */
  customerSubscriptions: 'SUB#',
} as const;

/** One partition of an index, as a list query reads it; list cursors are bound to it (cursor.ts). */
export interface IndexPartition {
  readonly index: IndexName;
  /** The index's partition-key attribute (`gsi1pk`, …), as system/table.ts declares it. */
  readonly attribute: string;
  /** The index's sort-key attribute: with the table keys, what a page's start key holds. */
  readonly sortAttribute: string;
  readonly value: string;
}

function indexPartition(index: IndexName, value: string): IndexPartition {
  const definition = TABLE_INDEXES.find((candidate) => candidate.name === index);
  if (!definition) throw new Error(`No index ${index} in system/table.ts`);
  return { index, attribute: definition.partitionKey, sortAttribute: definition.sortKey, value };
}

/** The part of a Query that reads one whole index partition (its key condition), to spread into a QueryCommand. */
export function partitionQuery(partition: IndexPartition) {
  return {
    IndexName: partition.index,
    KeyConditionExpression: '#pk = :pk',
    ExpressionAttributeNames: { '#pk': partition.attribute },
    ExpressionAttributeValues: { ':pk': partition.value },
  };
}

/** gsi1: a shop's credit ledger, newest first (access pattern 3). */
export const creditLedgerPartition = (shopId: string): IndexPartition => indexPartition('gsi1', `SHOP#${shopId}#LEDGER`);

/** gsi1: a shop's orders (its CHARGED cycles), newest first (access pattern 13). */
export const ordersPartition = (shopId: string): IndexPartition => indexPartition('gsi1', `SHOP#${shopId}#ORDERS`);

/** gsi3: a shop's FAILED cycles (payments that failed for good), newest first — what a merchant retries (issue 13). */
export const failedCyclesPartition = (shopId: string): IndexPartition => indexPartition('gsi3', `SHOP#${shopId}#FAILED`);

/**
 * Sort-key bounds of an order list's Seoul date range (inclusive): a sort key is `{Seoul timestamp}#…`, so the
 * date is its prefix, and `~` sorts after every character a timestamp or id holds.
 */
export function timestampSortKeyBounds(from: string, to: string): { lower: string; upper: string } {
  return { lower: from, upper: `${to}~` };
}

/** gsi1: every registered billing key of a shop (the stop cascade, S22). */
export const billingKeysPartition = (shopId: string): IndexPartition => indexPartition('gsi1', `SHOP#${shopId}#BILLINGKEYS`);

/** gsi1: every shop, by id (issue 13: the daily maintenance run's list of shops to resume and recount). */
export const shopsPartition = (): IndexPartition => indexPartition('gsi1', 'SHOPS');

/** The index partitions of a shop's subscription lists (access patterns 6–10). */
export const subscriptionPartitions = {
  byShop: (shopId: string) => indexPartition('gsi1', `SHOP#${shopId}#SUBS`),
  byCustomer: (shopId: string, customerId: string) => indexPartition('gsi2', customerPk(shopId, customerId)),
  byStatus: (shopId: string, status: string) => indexPartition('gsi3', `SHOP#${shopId}#STATUS#${status}`),
  byProduct: (shopId: string, productId: string) => indexPartition('gsi4', `SHOP#${shopId}#PRODUCT#${productId}`),
  byNextDelivery: (shopId: string) => indexPartition('gsi5', `SHOP#${shopId}#NEXTDELIVERY`),
  /** gsi4 (contact pointers): the shop's subscriptions of one buyer email or phone, normalised (issue 13). */
  byContact: (shopId: string, kind: ContactKind, normalised: string) => indexPartition('gsi4', `SHOP#${shopId}#${kind}#${normalised}`),
  /** gsi4, sparse: the shop's cycles in REVIEW (an operator must resolve them). */
  inReview: (shopId: string) => indexPartition('gsi4', `SHOP#${shopId}#REVIEW`),
  /** gsi4, sparse: the shop's ACTIVE subscriptions whose card has a known expiry, soonest first (issue 14). */
  byCardExpiry: (shopId: string) => indexPartition('gsi4', `SHOP#${shopId}#CARDEXPIRY`),
} as const;

/**
 * gsi4 sort-key bound for "the card expires in or before `month`" (`YYYY-MM`): a sort key is
 * `{YYYY-MM}#{subscriptionId}`, and `~` sorts after `#` and every id character.
 */
export const cardExpirySortKeyUpper = (month: string): string => `${month}~`;

/**
 * gsi5 sort-key bounds for an inclusive next-delivery date range: a sort key is
 * `{date}#{subscriptionId}`, and `~` sorts after `#` and every id character.
 */
export function nextDeliverySortKeyBounds(from: string | undefined, to: string | undefined): { lower?: string; upper?: string } {
  return { ...(from !== undefined ? { lower: from } : {}), ...(to !== undefined ? { upper: `${to}~` } : {}) };
}

/** Partition keys of the secondary indexes (docs/data-model.md, "Access patterns"). */
export const indexKeys = {
  /** gsi1: the shop item in the list of every shop (issue 13, the maintenance run). */
  shopDirectory: (shopId: string) => ({ gsi1pk: shopsPartition().value, gsi1sk: shopId }),
  /** gsi1: a shop's subscriptions, newest first (S20). */
  shopSubscriptions: (shopId: string, createdAt: string, subscriptionId: string) => ({ gsi1pk: subscriptionPartitions.byShop(shopId).value, gsi1sk: `${createdAt}#${subscriptionId}` }),
  /** gsi1: every registered billing key of a shop, for the stop cascade (S22). */
  shopBillingKeys: (shopId: string, customerId: string, method: PaymentMethod) => ({ gsi1pk: billingKeysPartition(shopId).value, gsi1sk: `${customerId}#${method}` }),
  /** gsi1: a shop's credit ledger, newest first. */
  shopLedger: (shopId: string, at: string, operationId: string) => ({ gsi1pk: creditLedgerPartition(shopId).value, gsi1sk: `${at}#${operationId}` }),
  /** gsi1: a shop's orders for fulfilment, newest first — set on a cycle once it is CHARGED (the charged cycle is the order). */
  shopOrders: (shopId: string, chargedAt: string, orderId: string) => ({ gsi1pk: ordersPartition(shopId).value, gsi1sk: `${chargedAt}#${orderId}` }),
  /** gsi3: a FAILED cycle in its shop's list of failed payments, newest first (set while FAILED; a retry takes it out). */
  failedCycle: (shopId: string, failedAt: string, subscriptionId: string, deliveryDate: string) => ({
    gsi3pk: failedCyclesPartition(shopId).value,
    gsi3sk: `${failedAt}#${subscriptionId}#${deliveryDate}`,
  }),
  /** gsi2: one buyer's subscriptions in a shop (storefront list; S10 card replacement). */
  customerSubscriptions: (shopId: string, customerId: string, createdAt: string, subscriptionId: string) => ({
    gsi2pk: subscriptionPartitions.byCustomer(shopId, customerId).value,
    gsi2sk: `${sortKeyPrefixes.customerSubscriptions}${createdAt}#${subscriptionId}`,
  }),
  /** gsi3: a shop's subscriptions in one status, newest first. */
  subscriptionsByStatus: (shopId: string, status: string, createdAt: string, subscriptionId: string) => ({
    gsi3pk: subscriptionPartitions.byStatus(shopId, status).value,
    gsi3sk: `${createdAt}#${subscriptionId}`,
  }),
  /** gsi4: a shop's subscriptions containing one product (set on line items). */
  subscriptionsByProduct: (shopId: string, productId: string, createdAt: string, subscriptionId: string) => ({
    gsi4pk: subscriptionPartitions.byProduct(shopId, productId).value,
    gsi4sk: `${createdAt}#${subscriptionId}`,
  }),
  /** gsi4: a subscription under one normalised contact detail of its buyer (set on its contact pointers), newest first. */
  subscriptionsByContact: (shopId: string, kind: ContactKind, normalised: string, createdAt: string, subscriptionId: string) => ({
    gsi4pk: subscriptionPartitions.byContact(shopId, kind, normalised).value,
    gsi4sk: `${createdAt}#${subscriptionId}`,
  }),
  /** gsi4: a cycle in REVIEW in its shop's review list, oldest delivery first. */
  cycleInReview: (shopId: string, deliveryDate: string, subscriptionId: string) => ({
    gsi4pk: subscriptionPartitions.inReview(shopId).value,
    gsi4sk: `${deliveryDate}#${subscriptionId}`,
  }),
  /**
   * gsi4 on the SUB item itself (line items and REVIEW cycles use other gsi4 partitions): an ACTIVE
   * subscription whose card has a known expiry month, for the merchant filter `cardExpiringBy` and the
   * expiry warning (issue 14).
   */
  subscriptionsByCardExpiry: (shopId: string, expiryMonth: string, subscriptionId: string) => ({
    gsi4pk: subscriptionPartitions.byCardExpiry(shopId).value,
    gsi4sk: `${expiryMonth}#${subscriptionId}`,
  }),
  /** gsi5: a shop's subscriptions by next delivery date (range filter). */
  subscriptionsByNextDelivery: (shopId: string, nextDeliveryDate: string, subscriptionId: string) => ({
    gsi5pk: subscriptionPartitions.byNextDelivery(shopId).value,
    gsi5sk: `${nextDeliveryDate}#${subscriptionId}`,
  }),
} as const;

/**
 * FNV-1a over the subscription id picks the due-index shard: stable across
 * runs and processes, and even enough that one day's work spreads over every shard.
 */
export function dueShard(subscriptionId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < subscriptionId.length; i += 1) {
    hash ^= subscriptionId.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % DUE_SHARDS;
}

export type DueKind = 'NOTICE' | 'CHARGE';

/**
 * Partition key of one shard of one kind of due work. Every date lives in the
 * shard's partition, sorted by date, so one Query per shard reads everything
 * due up to a day — the run's own day and every day it missed (catch-up).
 */
export function duePartition(kind: DueKind, shard: number): string {
  return `DUE#${kind}#${shard}`;
}

/**
 * Index attributes that put a cycle into the due-work index on `date`. The sort
 * key starts with the date (what a run reads up to) and names the shop (what a
 * dispatcher groups a message by); the cycle itself is the entry's table key.
 */
export function dueIndexKeys(kind: DueKind, date: string, shopId: string, subscriptionId: string): { duepk: string; duesk: string } {
  return { duepk: duePartition(kind, dueShard(subscriptionId)), duesk: `${date}#${shopId}#${subscriptionId}` };
}

/** The due sort key bound that takes in every entry dated `date` or earlier (`~` sorts after `#` and every id character). */
export function dueUpTo(date: string): string {
  return `${date}~`;
}

/** A due-index hit (keys only) as the work it stands for: which cycle, of which shop, due on which date. */
export function dueEntryOf(entry: { readonly pk: string; readonly sk: string; readonly duesk: string }): { date: string; shopId: string; subscriptionId: string; deliveryDate: string } | undefined {
  const [date, shopId, subscriptionId, ...rest] = entry.duesk.split('#');
  if (!date || !shopId || !subscriptionId || rest.length > 0) return undefined;
  const deliveryDate = entry.sk.startsWith(sortKeyPrefixes.cycles) ? entry.sk.slice(sortKeyPrefixes.cycles.length) : undefined;
  const expected = deliveryDate === undefined ? undefined : keys.cycle(subscriptionId, deliveryDate);
  if (!expected || expected.pk !== entry.pk || expected.sk !== entry.sk) return undefined;
  return { date, shopId, subscriptionId, deliveryDate: deliveryDate! };
}

/** Every partition key of one kind of due work: what a dispatcher pages through. */
export function duePartitions(kind: DueKind): string[] {
  return Array.from({ length: DUE_SHARDS }, (_, shard) => duePartition(kind, shard));
}

/**
 * The due index also lists the credit balances that hold grants (a block's memo), from the first grant until a
 * sweep finds none left, sorted by when the listing began: the sweep at the end of each run finds the blocks a
 * dead worker left (docs/data-model.md, "Abandoned blocks") with one Query.
 */
export const CREDIT_BALANCES_WITH_GRANTS_PARTITION = 'DUE#CREDITBALANCE';

/** The listing keys a grant writes on its balance: `since` is kept from the listing's first grant (`if_not_exists`). */
export function creditBalanceListingKeys(since: string): { duepk: string; duesk: string } {
  return { duepk: CREDIT_BALANCES_WITH_GRANTS_PARTITION, duesk: since };
}

/** The balance a credit-balance item's key names: the inverse of `keys.creditBalance`. */
export function creditBalanceOfKey(key: ItemKey): { shopId: string; kind: CreditKind } | undefined {
  const shop = /^SHOP#([^#]+)$/.exec(key.pk);
  const kind = /^CREDITS#(sms|bulkMail)$/.exec(key.sk);
  return shop && kind ? { shopId: shop[1]!, kind: kind[1] as CreditKind } : undefined;
}

/**
 * Upgrade only: the earlier credit protocol listed each open block here (sorted by when it was opened), not its
 * balance. The sweep still reads it, so that a grant a worker left behind before the upgrade — on a balance the
 * listing above may never name — is given back, and takes each block off it.
 */
export const EARLIER_OPEN_CREDIT_BLOCKS_PARTITION = 'DUE#CREDITBLOCK';

/** The block a credit-block item's key names: the inverse of `keys.creditBlock`. */
export function creditBlockOfKey(key: ItemKey): { shopId: string; kind: CreditKind; blockId: string } | undefined {
  const match = /^SHOP#([^#]+)#CREDITBLOCK#(sms|bulkMail)#(.+)$/.exec(key.pk);
  return match && key.sk === 'BLOCK' ? { shopId: match[1]!, kind: match[2] as CreditKind, blockId: match[3]! } : undefined;
}

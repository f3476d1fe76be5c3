/**
 * The table's physical shape: key attributes, indexes and TTL. The CDK stack
 * and the local runtime both create the table from this, so they cannot drift.
 * Key *values* are built in one runtime module only
 * (functions/adapters/dynamodb/keys.ts); docs/data-model.md explains each index.
 */

export type Projection = 'ALL' | 'KEYS_ONLY';

export interface IndexDefinition {
  readonly name: string;
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly projection: Projection;
  /** The access patterns the index serves (kept here so docs and code agree). */
  readonly purpose: string;
}

export const TABLE_KEYS = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds; DynamoDB deletes the item some time after (pending signups, old logs). */
  ttlAttribute: 'expiresAt',
} as const;

export const TABLE_INDEXES = [
  { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL', purpose: "shop collections, newest first: subscriptions, registered cards, orders" },
  { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'ALL', purpose: "a customer's subscriptions within a shop" },
  { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk', projection: 'ALL', purpose: "a shop's subscriptions by status" },
  { name: 'gsi4', partitionKey: 'gsi4pk', sortKey: 'gsi4sk', projection: 'ALL', purpose: "a shop's subscriptions by product (one line-item item per product); cycles in REVIEW; ACTIVE subscriptions by card expiry month" },
  { name: 'gsi5', partitionKey: 'gsi5pk', sortKey: 'gsi5sk', projection: 'ALL', purpose: "a shop's subscriptions by next delivery date" },
  { name: 'due', partitionKey: 'duepk', sortKey: 'duesk', projection: 'KEYS_ONLY', purpose: 'due work (cycles to notice, cycles to charge) sharded by subscription id and sorted by date, so a run reads everything due or overdue; open credit blocks for the sweep' },
] as const satisfies readonly IndexDefinition[];

export type IndexName = (typeof TABLE_INDEXES)[number]['name'];

/**
 * Each kind of due work is spread over this many partition keys so that a
 * million due cycles a day never land on one key (a GSI partition takes about
 * 1,000 writes/s; a day's index writes of 1M cycles are ~31k per key, spread
 * over the runs). Changing it only affects items written afterwards; readers
 * query every shard.
 */
export const DUE_SHARDS = 32;

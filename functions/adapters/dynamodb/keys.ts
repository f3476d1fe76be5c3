/**
 * The one module that knows how items are keyed. Every other module calls the
 * functions below, named after entities and access patterns; nobody else
 * builds a `pk` string. docs/data-model.md is the prose version of this file.
 */
import { DUE_SHARDS } from '../../../system/table.ts';

/** Identifiers become parts of keys, so they must never contain the separator. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export interface ItemKey {
  readonly pk: string;
  readonly sk: string;
}

export const keys = {
  /** Shop profile and its service state live on one item: every service transition is one conditional write. */
  shop: (shopId: string): ItemKey => ({ pk: `SHOP#${shopId}`, sk: 'SHOP' }),
  /** Never written: the health check reads it to prove the table answers. */
  healthProbe: (): ItemKey => ({ pk: 'HEALTH', sk: 'HEALTH' }),
} as const;

/** Sort keys of the items that share a shop's partition, for begins_with queries. */
export const shopItemPrefixes = {
  shop: 'SHOP',
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

/** Partition key of one shard of one day's due work of one kind. */
export function duePartition(kind: DueKind, date: string, shard: number): string {
  return `DUE#${kind}#${date}#${shard}`;
}

/** Index attributes that put an item into the daily due-work index. */
export function dueIndexKeys(kind: DueKind, date: string, subscriptionId: string): { duepk: string; duesk: string } {
  return { duepk: duePartition(kind, date, dueShard(subscriptionId)), duesk: subscriptionId };
}

/** Every partition key of one day's work: what a dispatcher pages through. */
export function duePartitions(kind: DueKind, date: string): string[] {
  return Array.from({ length: DUE_SHARDS }, (_, shard) => duePartition(kind, date, shard));
}

/**
 * Opaque list cursors: the query's LastEvaluatedKey, base64url-encoded. On the
 * way back in, a cursor is accepted only if it has exactly the shape of a start
 * key of the query it is given to — the same attribute names, non-empty string
 * values within DynamoDB's key sizes, the query's own partition and sort-key
 * prefix — so a crafted cursor can neither reach another shop's items nor make
 * DynamoDB refuse the request (which would be a 500). Anything else is 400
 * INVALID_CURSOR. The repositories also map a ValidationException on a
 * client's start key to INVALID_CURSOR (`clientStartKeyRefused`), for what no
 * shape check can see (e.g. a key outside a BETWEEN range).
 */
import { InvalidCursor } from '../../core/errors.ts';
import type { IndexPartition } from './keys.ts';

export type PageKey = Record<string, unknown>;

/** What a start key of one query must look like. */
export interface CursorShape {
  /** Every attribute the start key has, and no other. */
  readonly attributes: readonly string[];
  /** Attributes whose value is fixed by the query (its partition). */
  readonly fixed: Readonly<Record<string, string>>;
  /** Attributes whose value must start with a prefix (a begins_with key condition). */
  readonly prefixes?: Readonly<Record<string, string>>;
}

/** DynamoDB's key-size limits: 2048 bytes for a partition key, 1024 for a sort key; the smaller bounds both. */
const MAX_KEY_BYTES = 1024;

/** A query on the table itself: `pk = value`, optionally `begins_with(sk, prefix)`. */
export function tableQueryShape(pk: string, sortPrefix?: string): CursorShape {
  return { attributes: ['pk', 'sk'], fixed: { pk }, ...(sortPrefix ? { prefixes: { sk: sortPrefix } } : {}) };
}

/** A query on one partition of an index: a start key holds the table's keys and the index's. */
export function indexQueryShape(partition: IndexPartition, extra: Readonly<Record<string, string>> = {}): CursorShape {
  return { attributes: ['pk', 'sk', partition.attribute, partition.sortAttribute, ...Object.keys(extra)], fixed: { [partition.attribute]: partition.value, ...extra } };
}

export function encodeCursor(key: PageKey | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;
}

/** Decodes a cursor and checks it has exactly `shape`; throws InvalidCursor (400) otherwise. */
export function decodeCursor(cursor: string | undefined, shape: CursorShape): PageKey | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor();
  }
  if (typeof key !== 'object' || key === null || Array.isArray(key)) throw new InvalidCursor();
  const entries = Object.entries(key as PageKey);
  const expected = new Set(shape.attributes);
  const valid =
    entries.length === expected.size &&
    entries.every(([name, value]) => expected.has(name) && typeof value === 'string' && value !== '' && Buffer.byteLength(value) <= MAX_KEY_BYTES) &&
    Object.entries(shape.fixed).every(([name, value]) => (key as PageKey)[name] === value) &&
    Object.entries(shape.prefixes ?? {}).every(([name, prefix]) => String((key as PageKey)[name]).startsWith(prefix));
  if (!valid) throw new InvalidCursor();
  return key as PageKey;
}

/**
 * Runs a query whose start key may come from a client: DynamoDB refusing that key (a ValidationException)
 * is the client's mistake, 400 INVALID_CURSOR, never a 500.
 */
export async function clientStartKeyRefused<T>(fromClient: boolean, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (fromClient && error instanceof Error && error.name === 'ValidationException') throw new InvalidCursor();
    throw error;
  }
}

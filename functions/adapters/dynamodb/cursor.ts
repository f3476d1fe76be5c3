/**
 * Opaque list cursors: the query's LastEvaluatedKey, base64url-encoded. On the
 * way back in, a cursor is accepted only if it points into the partition the
 * query is about, so a crafted cursor cannot reach another shop's items.
 */
import { ValidationFailed } from '../../core/errors.ts';

export type PageKey = Record<string, unknown>;

export function encodeCursor(key: PageKey | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;
}

/** Decodes a cursor and checks it belongs to `partition` (its index's partition-key attribute and value). */
export function decodeCursor(cursor: string | undefined, partition: { readonly attribute: string; readonly value: string }): PageKey | undefined {
  if (cursor === undefined) return undefined;
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  const valid =
    typeof key === 'object' &&
    key !== null &&
    !Array.isArray(key) &&
    (key as PageKey)[partition.attribute] === partition.value &&
    Object.values(key as PageKey).every((value) => typeof value === 'string');
  if (!valid) throw new ValidationFailed([{ path: 'query.cursor', message: 'This cursor does not belong to this list; start again without it.' }]);
  return key as PageKey;
}

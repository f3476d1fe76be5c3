/**
 * The daily runs' reads, batched (issue 12): a document client on which every
 * plain GetItem of the table sent in the same turn of the event loop goes out
 * as one BatchGetItem — up to 100 keys a request, unprocessed keys retried,
 * strongly consistent when the GetItems asked for it. A worker asks for what a
 * message needs at once (`Promise.all` over its items: cycles, subscriptions,
 * the shop, its settings, products, billing keys), and the repositories stay
 * written as single-item reads. Every other command goes through unchanged.
 */
import { BatchGetCommand, GetCommand, type DynamoDBDocumentClient, type GetCommandOutput } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem's limit. */
const MAX_KEYS = 100;
const MAX_UNPROCESSED_ROUNDS = 8;

interface Waiter {
  readonly key: Record<string, unknown>;
  resolve(item: Record<string, unknown> | undefined): void;
  reject(error: unknown): void;
}

const keyOf = (key: Record<string, unknown>) => `${String(key.pk)}\u0000${String(key.sk)}`;

export function batchingReads(db: DynamoDBDocumentClient, tableName: string): DynamoDBDocumentClient {
  /** Waiting reads by consistency (BatchGetItem's ConsistentRead is per table and request). */
  const waiting = new Map<boolean, Waiter[]>();
  let scheduled = false;

  const fetchChunk = async (keys: Array<Record<string, unknown>>, consistent: boolean): Promise<Map<string, Record<string, unknown>>> => {
    const found = new Map<string, Record<string, unknown>>();
    let requested = keys;
    for (let round = 0; requested.length > 0; round += 1) {
      if (round > 0) {
        if (round > MAX_UNPROCESSED_ROUNDS) throw new Error(`BatchGetItem left keys unprocessed after ${MAX_UNPROCESSED_ROUNDS} retries`);
        await new Promise((resolve) => setTimeout(resolve, 2 ** round * 10));
      }
      const result = await db.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: requested, ConsistentRead: consistent } } }));
      for (const item of result.Responses?.[tableName] ?? []) found.set(keyOf(item), item);
      requested = (result.UnprocessedKeys?.[tableName]?.Keys ?? []) as Array<Record<string, unknown>>;
    }
    return found;
  };

  const flush = () => {
    scheduled = false;
    for (const [consistent, waiters] of waiting) {
      waiting.delete(consistent);
      const unique = [...new Map(waiters.map((waiter) => [keyOf(waiter.key), waiter.key])).values()];
      for (let start = 0; start < unique.length; start += MAX_KEYS) {
        const chunk = unique.slice(start, start + MAX_KEYS);
        const wanted = new Set(chunk.map(keyOf));
        const mine = waiters.filter((waiter) => wanted.has(keyOf(waiter.key)));
        fetchChunk(chunk, consistent).then(
          (found) => mine.forEach((waiter) => waiter.resolve(found.get(keyOf(waiter.key)))),
          (error: unknown) => mine.forEach((waiter) => waiter.reject(error)),
        );
      }
    }
  };

  const get = (command: GetCommand): Promise<GetCommandOutput> =>
    new Promise((resolve, reject) => {
      const consistent = command.input.ConsistentRead === true;
      const list = waiting.get(consistent) ?? [];
      list.push({ key: command.input.Key as Record<string, unknown>, resolve: (item) => resolve({ $metadata: {}, ...(item ? { Item: item } : {}) }), reject });
      waiting.set(consistent, list);
      if (!scheduled) {
        scheduled = true;
        // After every promise continuation of this turn: reads made side by side land in one request.
        setImmediate(flush);
      }
    });

  const batchable = (command: unknown): command is GetCommand => {
    if (!(command instanceof GetCommand)) return false;
    const input = command.input;
    return input.TableName === tableName && input.ProjectionExpression === undefined && input.AttributesToGet === undefined && input.ExpressionAttributeNames === undefined;
  };

  return new Proxy(db, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver) as unknown;
      return (command: unknown, ...rest: unknown[]) => (batchable(command) ? get(command) : (target.send as (...args: unknown[]) => Promise<unknown>).call(target, command, ...rest));
    },
  });
}

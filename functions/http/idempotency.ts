/**
 * Idempotency-Key on the POSTs that create or charge (issue 13, as Stripe and Toss do), with Powertools
 * idempotency and its DynamoDB persistence layer on our one table:
 * - the same key and the same request (path and parsed body) → the first answer, replayed
 *   (marked `idempotent-replayed: true`);
 * - the same key with another request → 422 IDEMPOTENCY_KEY_REUSED;
 * - the first still running → 409 IDEMPOTENCY_KEY_IN_PROGRESS;
 * - a key is kept 24 h (the record's `expiresAt` is the table's TTL attribute; Powertools also treats an
 *   older record as expired itself, since TTL deletion lags);
 * - a key is scoped to its caller: shop and subject are hashed with it, so two callers cannot collide.
 * Only answers are kept: a refusal (4xx, which writes nothing) or a failure deletes the record, so a retry
 * runs again. A route opts in with `idempotent: true` in system/functions.ts; without the header the
 * request runs as before.
 *
 * Keys: one partition per route (`IDEMPOTENCY#<route>`), the record's sort key Powertools' hashed key.
 * Powertools fixes a persistence layer's partition key (`staticPkValue`), so a per-shop partition would mean
 * a layer per request; the routes' own rates (sign-ups, top-ups) are far below a partition's 1,000 writes/s.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context } from 'aws-lambda';
import { ENV } from '../../system/functions.ts';
import { TABLE_KEYS } from '../../system/table.ts';
import { IdempotencyKeyInProgress, IdempotencyKeyReused, REPLAYED_HEADER, IDEMPOTENCY_TTL_SECONDS } from './idempotency-key.ts';

/** What is hashed: the key identifies the call, the request is checked against the first one. */
interface IdempotentCall {
  readonly key: { readonly route: string; readonly shop: string; readonly sub: string; readonly idempotencyKey: string };
  readonly request: { readonly params: unknown; readonly body: unknown };
}

/**
 * The JMESPath Powertools reads the call with: plain top-level field names only, since deployed bundles carry
 * a plain-field stand-in for the JMESPath engine (./jmespath-fields.ts, aliased in system/bundling.ts).
 */
export const IDEMPOTENCY_PATHS = { eventKey: 'key', payloadValidation: 'request' } as const satisfies Record<string, keyof IdempotentCall>;

interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

function mapError(error: unknown): unknown {
  const name = error instanceof Error ? error.name : '';
  if (name === 'IdempotencyValidationError') return new IdempotencyKeyReused();
  if (name === 'IdempotencyAlreadyInProgressError') return new IdempotencyKeyInProgress();
  return error;
}

/**
 * Makes one route's answers replayable. Built once per route at module load; the DynamoDB client and
 * table come from the environment only for routes that opt in.
 */
export function idempotentRoute<R extends StoredResponse>(route: string, options: { tableName?: string; client?: DynamoDBClient; redact?: (response: R) => R } = {}) {
  const tableName = options.tableName ?? process.env[ENV.tableName];
  if (!tableName) throw new Error(`Missing required environment variable ${ENV.tableName} (an idempotent route keeps its keys in the table)`);
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: TABLE_KEYS.partitionKey,
    sortKeyAttr: TABLE_KEYS.sortKey,
    staticPkValue: `IDEMPOTENCY#${route}`,
    expiryAttr: TABLE_KEYS.ttlAttribute,
    awsSdkV3Client: options.client ?? new DynamoDBClient({}),
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: IDEMPOTENCY_PATHS.eventKey,
    payloadValidationJmesPath: IDEMPOTENCY_PATHS.payloadValidation,
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    throwOnNoIdempotencyKey: true,
    responseHook: (response) => {
      const stored = response as unknown as StoredResponse;
      return { ...stored, headers: { ...stored.headers, [REPLAYED_HEADER]: 'true' } } as unknown as typeof response;
    },
  });
  const redact = options.redact ?? ((response: R) => response);
  const run = makeIdempotent(
    // The context as second argument lets Powertools mark a crashed first attempt as expired once its Lambda timed out.
    // What is returned here is what is kept: the answer without its fields shown once (`redact`).
    async (_call: IdempotentCall, _context: Context, execute: () => Promise<R>) => redact(await execute()),
    { persistenceStore, config, keyPrefix: route },
  );
  return async (call: Omit<IdempotentCall, 'key'> & { key: Omit<IdempotentCall['key'], 'route'> }, context: Context, execute: () => Promise<R>): Promise<R> => {
    // The caller that ran the request gets its whole answer; a replay gets the kept one.
    const ran: { response?: R } = {};
    const executeOnce = async () => (ran.response = await execute());
    try {
      const kept = (await run({ key: { route, ...call.key }, request: call.request }, context, executeOnce)) as R;
      return ran.response ?? kept;
    } catch (error) {
      throw mapError(error);
    }
  };
}

/**
 * What deployed bundles carry in place of @aws-lambda-powertools/jmespath (system/bundling.ts aliases the
 * package and its `/functions` subpath here): the idempotent routes (idempotency.ts) give Powertools
 * idempotency only plain top-level field names (`key`, `request`), and the full JMESPath engine is ~22 KB of
 * every idempotent route's bundle. Anything but a plain field name throws, so a richer expression added later
 * fails loudly on its first request (and in test/integration/idempotency.test.ts, which runs the bundled route)
 * instead of hashing the wrong thing. The sources (tests, `npm start`) keep running the real engine;
 * test/unit/jmespath-fields.test.ts checks both give the same answers for our expressions.
 *
 * Why not configure Powertools without JMESPath instead: its IdempotencyConfig, IdempotencyHandler and
 * BasePersistenceLayer import `search` and `PowertoolsFunctions` statically and build a PowertoolsFunctions in
 * every config, so the engine is bundled whether or not an expression is set; and the request check
 * (`payloadValidationJmesPath`) exists only as an expression.
 */

const PLAIN_FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** JMESPath `search` for a plain field name: the field's value, or null when absent or when `data` is no object. */
export function search(expression: string, data: unknown, _options?: unknown): unknown {
  if (!PLAIN_FIELD.test(expression)) {
    throw new Error(`JMESPath expression "${expression}" is not a plain field name: deployed bundles carry only those (functions/http/jmespath-fields.ts)`);
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data) || !Object.hasOwn(data, expression)) return null;
  return (data as Record<string, unknown>)[expression] ?? null;
}

/** Powertools' custom JMESPath functions (powertools_json, …): none are needed for a plain field name. */
export class PowertoolsFunctions {}

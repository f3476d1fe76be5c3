/**
 * The plain-field stand-in deployed bundles carry for Powertools' JMESPath engine (functions/http/jmespath-fields.ts,
 * aliased in system/bundling.ts) answers exactly as the real engine for the expressions idempotency.ts uses, on
 * every shape of call, and refuses anything richer.
 */
import { search as realSearch } from '@aws-lambda-powertools/jmespath';
import { PowertoolsFunctions } from '@aws-lambda-powertools/jmespath/functions';
import { describe, expect, it } from 'vitest';
import { IDEMPOTENCY_PATHS } from '../../functions/http/idempotency.ts';
import { search } from '../../functions/http/jmespath-fields.ts';
import { BUNDLE_ALIASES } from '../../system/bundling.ts';

const calls: unknown[] = [
  { key: { route: 'signUp', shop: 'shop-a', sub: 'buyer-1', idempotencyKey: 'k' }, request: { params: { id: 'x' }, body: { n: 1, list: [1, { a: null }] } } },
  { key: 'plain', request: null },
  { key: [1, 2], request: ['a'] },
  { key: 0, request: false },
  { key: '', request: '' },
  { other: 1 },
  {},
  null,
  'text',
  42,
  [{ key: 1 }],
];

describe('plain-field JMESPath stand-in', () => {
  it.each(Object.values(IDEMPOTENCY_PATHS))('"%s" gives what the real engine gives, on every call shape', (expression) => {
    for (const data of calls) {
      const options = { customFunctions: new PowertoolsFunctions() };
      expect(search(expression, data, options)).toEqual(realSearch(expression, data as never, options));
    }
  });

  it.each(['key.shop', 'request.body', '[0]', 'powertools_json(body)', '"key"', 'a || b', '', ' key', '1key'])('refuses "%s"', (expression) => {
    expect(() => search(expression, { key: 1 })).toThrow(/not a plain field name/);
  });

  it('is what bundles get for the package and its /functions subpath', () => {
    expect(Object.keys(BUNDLE_ALIASES).sort()).toEqual(['@aws-lambda-powertools/jmespath', '@aws-lambda-powertools/jmespath/functions']);
    for (const file of Object.values(BUNDLE_ALIASES)) expect(file).toMatch(/functions[\\/]http[\\/]jmespath-fields\.ts$/);
  });
});

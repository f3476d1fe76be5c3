/**
 * Every function bundles as deployed (issue 9): the entries of system/functions.ts through esbuild with the
 * deployment's own settings (system/bundling.ts, which lib/constructs/service-function.ts hands to
 * NodejsFunction), in one build — a second or two where a bundling `cdk synth` took 20–35 s of `npm test`.
 * Each bundle must export the `handler` Lambda calls. `.ci/run` still runs the bundling `cdk synth`, and
 * `npm run bench -- --cold` measures every bundle against the size budget.
 */
import { describe, expect, it } from 'vitest';
import { functionNames } from '../../system/functions.ts';
import { bundledFunctions } from '../support/bundles.ts';

describe('every function bundles with the deployed settings', () => {
  it('one build of every entry: no error, and each bundle exports its handler', async () => {
    const names = functionNames;
    const { errors, code } = await bundledFunctions();
    expect(errors).toEqual([]);
    const withoutHandler = names.filter((name) => !/export\s*\{[^}]*\bhandler\b[^}]*\}/.test(code.get(name) ?? ''));
    expect(names.length).toBeGreaterThan(50);
    expect(withoutHandler).toEqual([]);
  });
});

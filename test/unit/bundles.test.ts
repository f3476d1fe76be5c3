/**
 * Every function bundles as deployed (issue 9): the entries of system/functions.ts through esbuild with the
 * deployment's own settings (system/bundling.ts, which lib/constructs/service-function.ts hands to
 * NodejsFunction), in one build — a second or two where a bundling `cdk synth` took 20–35 s of `npm test`.
 * Each bundle must export the `handler` Lambda calls, and stay within issue 12's size budget (system/bundling.ts:
 * a byte count of the same build, not a timing; `npm run bench -- --cold` shows what a bundle is made of). `.ci/run`
 * still runs the bundling `cdk synth`.
 */
import { describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES } from '../../system/bundling.ts';
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

  it(`every bundle is at most ${BUNDLE_BUDGET_BYTES / 1024} KB, minified with the SDK left out (issue 12)`, async () => {
    const { code } = await bundledFunctions();
    const over = [...code].map(([name, text]) => [name, Buffer.byteLength(text)] as const).filter(([, bytes]) => bytes > BUNDLE_BUDGET_BYTES);
    expect(over.map(([name, bytes]) => `${name} ${(bytes / 1024).toFixed(1)} KB`), 'npm run bench -- --cold --explain <function> shows what it is made of').toEqual([]);
  });
});

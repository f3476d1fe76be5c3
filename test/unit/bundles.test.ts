/**
 * Every function bundles as deployed (issue 9): the entries of system/functions.ts through esbuild with the
 * deployment's own settings (system/bundling.ts, which lib/constructs/service-function.ts hands to
 * NodejsFunction), in one build — a second or two where a bundling `cdk synth` took 20–35 s of `npm test`.
 * Each bundle must export the `handler` Lambda calls. `.ci/run` still runs the bundling `cdk synth`, and
 * `npm run bench -- --cold` measures every bundle against the size budget.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ESBUILD_OPTIONS } from '../../system/bundling.ts';
import { FUNCTIONS, functionNames } from '../../system/functions.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('every function bundles with the deployed settings', () => {
  it('one build of every entry: no error, and each bundle exports its handler', async () => {
    const names = functionNames;
    const result = await build({
      ...ESBUILD_OPTIONS,
      entryPoints: Object.fromEntries(names.map((name) => [name, join(ROOT, FUNCTIONS[name].entry)])),
      outdir: join(ROOT, 'node_modules', '.cache', 'bundles-test'),
      write: false,
      logLevel: 'silent',
    });
    expect(result.errors).toEqual([]);
    const outputs = new Map(result.outputFiles.map((file) => [file.path.replace(/^.*[\\/]/, '').replace(/\.js$|\.mjs$/, ''), file.text]));
    const withoutHandler = names.filter((name) => !/export\s*\{[^}]*\bhandler\b[^}]*\}/.test(outputs.get(name) ?? ''));
    expect(names.length).toBeGreaterThan(50);
    expect(withoutHandler).toEqual([]);
  });
});

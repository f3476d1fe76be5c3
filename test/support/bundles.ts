/**
 * Every function bundled as deployed — the entries of system/functions.ts through esbuild with the deployment's
 * own settings (system/bundling.ts) — in one build, made once per test process and shared by the tests that look
 * into bundles (test/unit/bundles.test.ts, test/unit/bundle-imports.test.ts).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ESBUILD_OPTIONS } from '../../system/bundling.ts';
import { FUNCTIONS, functionNames, type FunctionName } from '../../system/functions.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface Bundles {
  readonly errors: readonly unknown[];
  /** Each function's bundle, by function name. */
  readonly code: ReadonlyMap<FunctionName, string>;
}

let bundles: Promise<Bundles> | undefined;

export function bundledFunctions(): Promise<Bundles> {
  bundles ??= build({
    ...ESBUILD_OPTIONS,
    entryPoints: Object.fromEntries(functionNames.map((name) => [name, join(ROOT, FUNCTIONS[name].entry)])),
    outdir: join(ROOT, 'node_modules', '.cache', 'bundles-test'),
    write: false,
    logLevel: 'silent',
  }).then((result) => ({
    errors: result.errors,
    code: new Map(result.outputFiles.map((file) => [file.path.replace(/^.*[\\/]/, '').replace(/\.m?js$/, '') as FunctionName, file.text])),
  }));
  return bundles;
}

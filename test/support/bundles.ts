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
  /** The repository files each bundle holds code of (esbuild's metafile, paths from the repository root), by function name; packages left out. */
  readonly sources: ReadonlyMap<FunctionName, readonly string[]>;
}

let bundles: Promise<Bundles> | undefined;

const functionOf = (outputFile: string) => outputFile.replace(/^.*[\\/]/, '').replace(/\.m?js$/, '') as FunctionName;

export function bundledFunctions(): Promise<Bundles> {
  bundles ??= build({
    ...ESBUILD_OPTIONS,
    entryPoints: Object.fromEntries(functionNames.map((name) => [name, join(ROOT, FUNCTIONS[name].entry)])),
    outdir: join(ROOT, 'node_modules', '.cache', 'bundles-test'),
    write: false,
    metafile: true,
    absWorkingDir: ROOT,
    logLevel: 'silent',
  }).then((result) => ({
    errors: result.errors,
    code: new Map(result.outputFiles.map((file) => [functionOf(file.path), file.text])),
    sources: new Map(
      Object.entries(result.metafile.outputs)
        .filter(([file]) => !file.endsWith('.map'))
        .map(([file, output]) => [functionOf(file), Object.keys(output.inputs).filter((input) => !input.includes('node_modules/'))]),
    ),
  }));
  return bundles;
}

/**
 * Loads the handlers named in system/functions.ts from their entry files, the
 * same modules the CDK stack bundles. Loaded lazily, after the local runtime
 * has set the environment the handlers read at module load.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { entryOf, type FunctionName } from '../system/functions.ts';
import type { Context } from 'aws-lambda';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

const loaded = new Map<FunctionName, Promise<LambdaHandler>>();

export function loadHandler(name: FunctionName): Promise<LambdaHandler> {
  let handler = loaded.get(name);
  if (!handler) {
    const entry = pathToFileURL(join(REPO_ROOT, entryOf(name))).href;
    handler = import(entry).then((module: { handler?: LambdaHandler }) => {
      if (typeof module.handler !== 'function') throw new Error(`${entryOf(name)} does not export a handler`);
      return module.handler;
    });
    loaded.set(name, handler);
  }
  return handler;
}

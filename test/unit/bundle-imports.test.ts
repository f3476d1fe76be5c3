/**
 * Issue 12: a function's bundle carries its own catalogue entry (system/functions.ts), never the whole
 * catalogue of every function with its descriptions and IAM actions (17 KB in each bundle when it did).
 * Two checks, both cheap: a scan of every runtime import of system/functions.ts (the catalogue is reached only
 * through a definition's own name, `fn.checkOut`), and one small function bundled as deployed, whose output
 * must hold no other function's entry path (the catalogue lists all of them). `npm run bench` measures every
 * bundle against the budget itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { systemApi } from '../../functions/api/system.api.ts';
import { FUNCTIONS, functionNames } from '../../system/functions.ts';
import { bundledFunctions } from '../support/bundles.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function sourcesUnder(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

/** What the catalogue exports that lists every function: none of it may be reached from runtime code. */
const CATALOGUE_WIDE = ['FUNCTIONS', 'functionNames', 'httpFunctions', 'queueFunctions', 'scheduledFunctions'];

/** Where a runtime file reaches the whole catalogue: a named import of it, or a read through a namespace import. */
function catalogueReads(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const reads: string[] = [];
  for (const [, typeOnly, names] of text.matchAll(/import\s+(type\s+)?([^;]*?)\s+from\s+'[./]*system\/functions\.ts'/g)) {
    if (typeOnly) continue;
    const named = /\{([^}]*)\}/.exec(names!)?.[1]?.split(',').map((name) => name.trim()) ?? [];
    reads.push(...named.filter((name) => CATALOGUE_WIDE.includes(name)).map((name) => `${file}: imports ${name}`));
    const namespace = /\*\s+as\s+(\w+)/.exec(names!)?.[1];
    const through = namespace ? text.match(new RegExp(`\\b${namespace}\\.(${CATALOGUE_WIDE.join('|')})\\b`, 'g')) : null;
    reads.push(...(through ?? []).map((read) => `${file}: reads ${read}`));
  }
  return reads;
}

describe('runtime code reaches the function catalogue only by a definition\'s own name', () => {
  it('no file under functions/ imports or reads the whole catalogue', () => {
    const files = sourcesUnder('functions');
    expect(files.length).toBeGreaterThan(100);
    expect(files.flatMap(catalogueReads)).toEqual([]);
  });

  it('the scan sees a catalogue import when there is one', () => {
    expect(catalogueReads('local/handlers.ts')).toEqual(['local/handlers.ts: imports FUNCTIONS']);
  });
});

describe('a bundle as deployed', () => {
  it('holds its own entry of the catalogue and no other function\'s (health, bundled with system/bundling.ts)', async () => {
    const code = (await bundledFunctions()).code.get('health')!;
    expect(code).toContain(FUNCTIONS.health.path);
    // Its API module's other routes come along (system.api.ts also declares openApi); no other function's does.
    const others = functionNames.filter((name) => !(name in systemApi) && code.includes(FUNCTIONS[name].entry));
    expect(others).toEqual([]);
  });
});

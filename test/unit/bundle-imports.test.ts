/**
 * Issue 12: a function's bundle carries its own catalogue entry (system/functions.ts), never the whole
 * catalogue of every function with its descriptions and IAM actions (17 KB in each bundle when it did); and an
 * HTTP function's bundle carries its own operation's request side (functions/api/operation.ts), never another
 * operation's nor any documentation — summaries, response schemas, errors (functions/api/operation-docs.ts) are
 * the openApi function's alone (30–35 KB in the storefront bundles when every handler carried its API module).
 * Cheap checks: a scan of every runtime import of system/functions.ts (the catalogue is reached only through a
 * definition's own name, `fn.checkOut`), and the shared build of every function as deployed
 * (test/support/bundles.ts): which repository files each bundle holds, and what text it holds. `npm run bench`
 * measures every bundle against the budget itself.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as z from '../../functions/core/validation.ts';
import { docs } from '../../functions/api/docs.ts';
import type { OperationDocs } from '../../functions/api/operation-docs.ts';
import { operations } from '../../functions/api/operations.ts';
import { DESCRIPTIONS } from '../../system/function-descriptions.ts';
import { fileNameOf, FUNCTIONS, functionNames, httpFunctions, type FunctionName } from '../../system/functions.ts';
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
    expect(catalogueReads('local/queues.ts')).toEqual(['local/queues.ts: imports FUNCTIONS', 'local/queues.ts: imports queueFunctions']);
  });
});

describe('a bundle as deployed', () => {
  it('holds its own entry of the catalogue and no other function\'s (health, bundled with system/bundling.ts)', async () => {
    const code = (await bundledFunctions()).code.get('health')!;
    expect(code).toContain(FUNCTIONS.health.path);
    // Every other route's path is its own (a queue worker's or run's entry has none to look for).
    const others = httpFunctions().filter(([name, route]) => name !== 'health' && code.includes(`"${route.path}"`));
    expect(others.map(([name]) => name)).toEqual([]);
  });

  it("carries no function's description: those are the deployment's (system/function-descriptions.ts), not the runtime's", async () => {
    const { code } = await bundledFunctions();
    // Less a description that says word for word what an operation's summary says (the openApi bundle has those).
    const summaries = Object.values(docs).map(({ summary }: OperationDocs) => summary);
    const marked = functionNames.filter((name) => !summaries.some((summary) => summary.includes(DESCRIPTIONS[name])));
    const found = [...code].flatMap(([bundle, text]) => marked.filter((name) => text.includes(DESCRIPTIONS[name])).map((name) => `${bundle}: ${name}`));
    expect(found).toEqual([]);
  });
});


/** Modules of the documentation side: the areas' docs and views, the shared views, the registries, the document. */
const DOCUMENTATION = /^functions\/api\/(.*\.docs\.ts|.*\.views?\.ts|docs\.ts|operations\.ts|openapi\.ts)$/;

/** Every `description` in a JSON Schema, nested or not. */
function descriptions(schema: unknown): string[] {
  if (Array.isArray(schema)) return schema.flatMap(descriptions);
  if (!schema || typeof schema !== 'object') return [];
  return Object.entries(schema).flatMap(([key, value]) => (key === 'description' && typeof value === 'string' ? [value] : descriptions(value)));
}

const described = (schema: z.ZodMiniType | undefined) => (schema ? descriptions(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })) : []);

/**
 * Text only the documentation side holds: the start of every summary, and of every description in a response
 * schema, long enough not to occur in code by chance — less what a request schema also says.
 */
function documentationMarkers(): string[] {
  const documentation: OperationDocs[] = Object.values(docs);
  const elsewhere = [
    ...Object.values(operations).flatMap((operation) => [operation.body, operation.params, operation.query].flatMap(described)),
  ];
  const texts = [...documentation.map(({ summary }) => summary), ...documentation.flatMap(({ response }) => described(response))];
  return [...new Set(texts.map((text) => text.slice(0, 40)))].filter((marker) => marker.length >= 20 && !elsewhere.some((text) => text.includes(marker)));
}

describe('an HTTP bundle carries its own operation\'s request side, and nothing of the documentation', () => {
  const http = httpFunctions().map(([name]) => name);

  it('holds its own operation module and no other (functions/api/<area>/<name>.operation.ts)', async () => {
    const { sources } = await bundledFunctions();
    // openApi describes them all.
    const wrong = http.filter((name) => name !== 'openApi').flatMap((name) => {
      const modules = (sources.get(name) ?? []).filter((file) => file.endsWith('.operation.ts'));
      const own = modules.filter((file) => file.endsWith(`/${fileNameOf(name)}.operation.ts`));
      return own.length === 1 && modules.length === 1 ? [] : [`${name}: ${modules.join(', ') || 'no operation module'}`];
    });
    expect(http.length).toBeGreaterThan(40);
    expect(wrong).toEqual([]);
  });

  it('no bundle but openApi\'s holds a module of the documentation side', async () => {
    const { sources } = await bundledFunctions();
    const found = functionNames.flatMap((name) => (name === 'openApi' ? [] : (sources.get(name) ?? []).filter((file) => DOCUMENTATION.test(file)).map((file) => `${name}: ${file}`)));
    expect(found).toEqual([]);
    expect(sources.get('openApi')).toContain('functions/api/docs.ts');
  });

  it('no bundle but openApi\'s holds a summary or a response schema\'s description', async () => {
    const { code } = await bundledFunctions();
    const markers = documentationMarkers();
    const found = functionNames.flatMap((name: FunctionName) => (name === 'openApi' ? [] : markers.filter((marker) => code.get(name)!.includes(marker)).map((marker) => `${name}: ${marker}`)));
    expect(markers.length).toBeGreaterThan(60);
    expect(found).toEqual([]);
    // The markers are what the documentation's bundle holds: the check would see them.
    expect(markers.filter((marker) => !code.get('openApi')!.includes(marker))).toEqual([]);
  });
});

/**
 * Repositories split by use (issue 12: chargeWorker was 0.5 KB under the budget): the workers that only read a
 * shop, open a billing key or a PG contract build the read part (shopRecords, billingKeyRecords,
 * sealedPgContracts; the two ending events alone), never the merchant-side writes. Each part is seen by text only
 * its write side holds; `holder` is a bundle that builds the whole repository, so the check would see it.
 */
const WRITE_SIDES = [
  { part: "shops.repo.ts's shopAdministration", markers: ['SET activeSubscriptions = :count', '#version = :expected'], holder: 'createShop' },
  { part: "billing-keys.repo.ts's billingKeyChanges", markers: ['REMOVE retiring', 'billingKeyDigest = :digest OR billingKey = :plain'], holder: 'checkOut' },
  { part: "pg-contracts.repo.ts's pgContractAdministration", markers: ['SET retiredAt = :at, expiresAt = :expires', 'shopId, gateway, registeredAt, fingerprint, retiredAt'], holder: 'putPgContract' },
  { part: 'the HTTP side of subscription-events.ts', markers: ['subscription.created', 'subscription.paused'], holder: 'signUp' },
] as const satisfies readonly { part: string; markers: readonly string[]; holder: FunctionName }[];
const READ_SIDE_WORKERS: readonly FunctionName[] = ['chargeWorker', 'noticeWorker', 'resolveCycle', 'retryCycle', 'getMyCard'];

describe('the cycle workers bundle the read side of the shop, billing-key and PG-contract repositories only', () => {
  it('no write-side text in their bundles, and the bundle that builds the whole repository holds it', async () => {
    const { code } = await bundledFunctions();
    const found = READ_SIDE_WORKERS.flatMap((name) => WRITE_SIDES.flatMap(({ part, markers }) => (markers.some((marker) => code.get(name)!.includes(marker)) ? [`${name}: ${part}`] : [])));
    expect(found).toEqual([]);
    expect(WRITE_SIDES.flatMap(({ holder, markers }) => markers.filter((marker) => !code.get(holder)!.includes(marker)).map((marker) => `${holder}: ${marker}`))).toEqual([]);
  });
});

/**
 * Idempotency-Key (issue 13) on the embedded table: Powertools' DynamoDB persistence layer on our one table
 * (pk/sk, expiresAt as TTL) — replay, a reused key, a key still in progress, callers kept apart, refusals not
 * kept, and the 24 h expiry (Powertools reads Date.now(), so the test moves Date only). Each case runs twice: on
 * the sources, and on idempotency.ts bundled as deployed (system/bundling.ts), whose JMESPath engine is our
 * plain-field stand-in (functions/http/jmespath-fields.ts) — so the deployed route is what replays and refuses.
 */
import type { Context } from 'aws-lambda';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Conflict } from '../../functions/core/errors.ts';
import * as sources from '../../functions/http/idempotency.ts';
import { IDEMPOTENCY_TTL_SECONDS } from '../../functions/http/idempotency-key.ts';
import { ESBUILD_OPTIONS } from '../../system/bundling.ts';
import { FUNCTIONS, functionNames } from '../../system/functions.ts';
import { TABLE_PARTITIONS } from '../../system/table-access.ts';
import { startEmbeddedTable, type EmbeddedTable } from '../support/embedded-table.ts';

type Module = typeof sources;
type Answer = { statusCode: number; headers: Record<string, string>; body: string };

/** functions/http/idempotency.ts bundled with the deployment's settings, in the repo (so @aws-sdk resolves as external), then imported. */
async function bundled(): Promise<Module> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const outdir = join(root, 'node_modules', '.cache', 'idempotency-bundle');
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, `idempotency-${process.pid}.mjs`);
  await build({ ...ESBUILD_OPTIONS, entryPoints: [join(root, 'functions/http/idempotency.ts')], outfile, logLevel: 'silent' });
  return (await import(pathToFileURL(outfile).href)) as Module;
}

let table: EmbeddedTable;
const context = { getRemainingTimeInMillis: () => 10_000 } as Context;
let runs = 0;
const answer = async () => {
  runs += 1;
  return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ run: runs }) };
};
const call = (idempotencyKey: string, body: unknown = { n: 1 }, caller = { shop: 'shop-a', sub: 'buyer-1' }) => ({ key: { ...caller, idempotencyKey }, request: { params: {}, body } });

beforeAll(async () => {
  table = await startEmbeddedTable();
});
afterAll(() => table.stop());
afterEach(() => vi.useRealTimers());

describe.each([
  { as: 'sources', load: async () => sources },
  { as: 'bundled as deployed', load: bundled },
])('Idempotency-Key ($as)', ({ as, load }) => {
  let replayable: (request: ReturnType<typeof call>, context: Context, execute: () => Promise<Answer>) => Promise<Answer>;
  // Each variant keeps its keys apart (another route's partition), so both run on one table.
  const route = as === 'sources' ? 'signUp' : 'checkOut';
  beforeAll(async () => {
    replayable = (await load()).idempotentRoute<Answer>(route, { tableName: table.tableName, client: table.client });
  });

  it('replays the first answer for the same key and request, marked as a replay; runs once', async () => {
    const before = runs;
    const first = await replayable(call('k-replay'), context, answer);
    const again = await replayable(call('k-replay'), context, answer);
    expect(runs - before).toBe(1);
    expect(again.body).toBe(first.body);
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
  });

  it('refuses the same key with another request: 422 IDEMPOTENCY_KEY_REUSED', async () => {
    await replayable(call('k-reuse', { n: 1 }), context, answer);
    await expect(replayable(call('k-reuse', { n: 2 }), context, answer)).rejects.toMatchObject({ status: 422, code: 'IDEMPOTENCY_KEY_REUSED' });
  });

  it('answers 409 IDEMPOTENCY_KEY_IN_PROGRESS while the first is still running, then replays it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = replayable(call('k-slow'), context, async () => {
      await gate;
      return answer();
    });
    await vi.waitFor(async () => expect(await replayable(call('k-slow'), context, answer).catch((error: unknown) => error)).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_IN_PROGRESS' }));
    release();
    const first = await slow;
    expect((await replayable(call('k-slow'), context, answer)).body).toBe(first.body);
  });

  it('keeps callers apart: the same key from another buyer or shop runs on its own', async () => {
    const a = await replayable(call('k-shared'), context, answer);
    const b = await replayable(call('k-shared', { n: 1 }, { shop: 'shop-a', sub: 'buyer-2' }), context, answer);
    const c = await replayable(call('k-shared', { n: 1 }, { shop: 'shop-b', sub: 'buyer-1' }), context, answer);
    expect(new Set([a.body, b.body, c.body]).size).toBe(3);
  });

  it('keeps no refusal: a repeat of a refused request runs again', async () => {
    const refuse = async (): Promise<never> => {
      throw new Conflict('NOT_NOW', 'Not now.');
    };
    await expect(replayable(call('k-refused'), context, refuse)).rejects.toMatchObject({ code: 'NOT_NOW' });
    const before = runs;
    await replayable(call('k-refused'), context, answer);
    expect(runs - before).toBe(1);
  });

  it('keeps a key 24 h under the table TTL attribute, then forgets it', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-03-02T00:00:00Z') });
    const before = runs;
    await replayable(call('k-expiry'), context, answer);
    const { Items = [] } = await table.db.send(new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `IDEMPOTENCY#${route}` } }));
    const expiries = Items.map((item) => item.expiresAt as number);
    expect(expiries).toContain(Date.now() / 1000 + IDEMPOTENCY_TTL_SECONDS);
    expect(Items.every((item) => String(item.sk).startsWith(`${route}#`))).toBe(true);
    vi.setSystemTime(new Date(Date.now() + (IDEMPOTENCY_TTL_SECONDS - 60) * 1000));
    await replayable(call('k-expiry'), context, answer);
    expect(runs - before).toBe(1);
    vi.setSystemTime(new Date(Date.now() + 120 * 1000));
    await replayable(call('k-expiry'), context, answer);
    expect(runs - before).toBe(2);
  });
});

describe('the idempotent routes', () => {
  it('every idempotent route declares the actions and the partition its keys need', () => {
    const idempotent = functionNames.filter((name) => 'idempotent' in FUNCTIONS[name] && FUNCTIONS[name].idempotent);
    expect(idempotent.sort()).toEqual(['answerPriceChange', 'cancelShopSubscription', 'checkOut', 'createShop', 'createWebhook', 'pauseSubscription', 'resolveCycle', 'resumeSubscription', 'retryCycle', 'signUp', 'skipDelivery', 'startCardChange', 'topUpCredits']);
    for (const name of idempotent) {
      expect(FUNCTIONS[name].tableActions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem']));
      expect(TABLE_PARTITIONS[name]).toContain('idempotency');
    }
  });
});

/**
 * Keep it proven (issue 11), through the real local HTTP server, one system:
 *
 * 1. The route × actor matrix, generated from system/functions.ts: every
 *    route, every role, another shop, another customer, no token, an expired
 *    one, one for another audience and an ID token — the expected status
 *    asserted per cell, and no 2xx of another tenant carrying this one's data.
 *    A route added tomorrow is in the matrix the day it is added.
 * 2. A property-based fuzz test (fast-check) over every operation of
 *    GET /openapi.json: random path parameters, queries and bodies, never a
 *    response ≥ 500, and never a partial write — the table is unchanged after
 *    every refused request.
 *
 * Both print their figures. Bounded for the suite's time budget: FUZZ_RUNS
 * runs per operation (default 6), FUZZ_SEED to replay a run.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFunctions, type HttpFunction, type Role } from '../../system/functions.ts';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, subscribe } from '../support/storefront.ts';

let t: TestSystem;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
});
afterAll(() => t?.stop());

type Actor =
  | { readonly kind: 'none' | 'expired' | 'wrong-audience' | 'id-token' }
  | { readonly kind: 'own' | 'other-shop' | 'other-customer'; readonly role: Role };

const ACTORS: readonly Actor[] = [
  { kind: 'none' },
  { kind: 'expired' },
  { kind: 'wrong-audience' },
  { kind: 'id-token' },
  ...(['customer', 'admin', 'platform'] as const).flatMap((role) => [{ kind: 'own', role } as const, { kind: 'other-shop', role } as const]),
  { kind: 'other-customer', role: 'customer' },
];
const label = (actor: Actor) => ('role' in actor ? `${actor.kind} ${actor.role}` : actor.kind);

/** What the contract says a cell answers. Mutating requests carry a body that is not JSON: past auth, that is 400. */
function expectedStatus(route: HttpFunction, actor: Actor): number {
  if (route.auth === 'public') return 200;
  if (actor.kind === 'none' || actor.kind === 'expired' || actor.kind === 'wrong-audience') return 401;
  if (actor.kind === 'id-token' || !('role' in actor) || actor.role !== route.auth) return 403;
  if (route.method !== 'GET') return 400;
  // The platform is not a tenant: its routes name the shop in the path, whatever its token's shop claim.
  if (actor.kind === 'own' || route.auth === 'platform') return 200;
  // Another tenant: a resource of this shop or buyer is 404; a list or a singleton is their own (200).
  return route.path.includes('{') || route.path === '/me/card' ? 404 : 200;
}

describe('the route × actor matrix (from system/functions.ts)', () => {
  it('answers every cell as expected, with no 5xx and no leak', { timeout: 20_000 }, async () => {
    const own = await activeShop(t);
    const other = await activeShop(t);
    const buyer = await t.token('customer', own.shopId, 'matrix-buyer');
    const subscription = await subscribe(t, buyer, own.shopId);
    // A product only this shop has (both shops have 'beans').
    await t.call('PUT', '/admin/products/matrix-only', { token: own.admin, body: { name: 'Matrix only', price: 1000, subscription: { enabled: false, cycles: [] }, onePlusNEvent: false } });
    const secrets = [subscription.id, own.shopId, 'matrix-buyer', 'matrix-only'];
    const webhook = await t.call('POST', '/admin/webhooks', { token: own.admin, body: { url: 'https://hooks.example.com/matrix', events: ['subscription.created'] } });
    const params: Record<string, string> = { shopId: own.shopId, productId: 'matrix-only', subscriptionId: subscription.id, gateway: 'tosspayments', deliveryDate: subscription.nextDeliveryDate, webhookId: webhook.body.id };

    const tokenOf = async (actor: Actor): Promise<string | undefined> => {
      const claims = { role: 'admin' as Role, shop: own.shopId, sub: 'owner' };
      switch (actor.kind) {
        case 'none':
          return undefined;
        case 'expired':
          return t.system.tokens.mint(claims, { expiresAt: Math.floor(Date.now() / 1000) - 60 });
        case 'wrong-audience':
          return t.system.tokens.mint(claims, { audience: 'another-api' });
        case 'id-token':
          return t.system.tokens.mint(claims, { tokenUse: 'id', scope: null });
        case 'own':
          return t.system.tokens.mint({ role: actor.role, shop: own.shopId, sub: actor.role === 'customer' ? 'matrix-buyer' : 'owner' });
        case 'other-shop':
          return t.system.tokens.mint({ role: actor.role, shop: other.shopId, sub: actor.role === 'customer' ? 'matrix-buyer' : 'owner' });
        case 'other-customer':
          return t.system.tokens.mint({ role: 'customer', shop: own.shopId, sub: 'someone-else' });
      }
    };

    const routes = httpFunctions();
    const cells = routes.flatMap(([name, route]) => ACTORS.map((actor) => ({ name, route, actor })));
    const mismatches: string[] = [];
    let fivexx = 0;
    let leaks = 0;
    // Eight at a time: fast, and still far below what the local server takes.
    for (let i = 0; i < cells.length; i += 8) {
      await Promise.all(
        cells.slice(i, i + 8).map(async ({ name, route, actor }) => {
          const path = route.path.replace(/\{(\w+)\}/g, (_all, param: string) => {
            if (params[param] === undefined) throw new Error(`The matrix has no value for {${param}}: add one`);
            return params[param];
          });
          const token = await tokenOf(actor);
          const response = await fetch(`${t.system.url}${path}`, {
            method: route.method,
            headers: token ? { authorization: `Bearer ${token}` } : {},
            ...(route.method === 'GET' ? {} : { body: 'this is not JSON' }),
          });
          const text = await response.text();
          const want = expectedStatus(route, actor);
          if (response.status >= 500) fivexx += 1;
          if (response.status !== want) mismatches.push(`${name} as ${label(actor)}: ${response.status}, expected ${want}`);
          if ((actor.kind === 'other-shop' || actor.kind === 'other-customer') && response.status < 300 && route.auth !== 'public' && route.auth !== 'platform' && secrets.some((secret) => text.includes(secret))) {
            leaks += 1;
            mismatches.push(`${name} as ${label(actor)} leaked: ${text.slice(0, 200)}`);
          }
        }),
      );
    }
    console.log(`route × actor matrix: ${cells.length} cells (${routes.length} routes × ${ACTORS.length} actors), ${mismatches.length} unexpected, ${fivexx} responses ≥ 500, ${leaks} leaks`);
    expect(mismatches).toEqual([]);
    expect(fivexx).toBe(0);
    expect(leaks).toBe(0);
  });
});

// ---- The fuzz test ----

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly schema: { readonly enum?: readonly unknown[]; readonly type?: string };
}
interface DocumentedOperation {
  readonly operationId: string;
  readonly method: string;
  readonly path: string;
  readonly public: boolean;
  readonly role?: Role;
  readonly parameters: readonly Parameter[];
  readonly bodyProperties: readonly string[] | null;
}

/** Strings an attacker tries: control and bidi characters, escapes, huge, empty, key separators, JSON-ish. */
const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u202Eb', '%ZZ', '%', '..', 'SHOP#x', 'SUB#x', '#', 'x'.repeat(3000), '0', '-1', '1e309', 'null', '[]', '{}', 'beans', '2026-02-30'),
);
const jsonValue = fc.oneof(nastyString, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(nastyString, { maxLength: 3 }), fc.dictionary(nastyString, nastyString, { maxKeys: 3 }));

function requestOf(operation: DocumentedOperation, shopId: string) {
  const pathValue = fc.oneof(fc.constantFrom(shopId, 'beans', 'unknown-1'), nastyString);
  const path = fc.record(Object.fromEntries(operation.parameters.filter((p) => p.in === 'path').map((p) => [p.name, pathValue])));
  const queryNames = operation.parameters.filter((p) => p.in === 'query').map((p) => p.name);
  const query = fc.dictionary(fc.constantFrom(...queryNames, 'unexpected'), fc.oneof(nastyString, fc.constantFrom('1', '100', '101', 'ACTIVE', 'card', 'eyJwayI6IlNIT1AjeCJ9')), { maxKeys: 3 });
  const keys = operation.bodyProperties ?? [];
  const body = fc.oneof(
    fc.constant<unknown>(undefined),
    fc.constant<unknown>('{"broken": '),
    jsonValue,
    keys.length > 0 ? fc.dictionary(fc.constantFrom(...keys), jsonValue, { maxKeys: keys.length }) : fc.constant({}),
  );
  return fc.record({ path, query, body });
}

describe('fuzzing every operation of GET /openapi.json (fast-check)', () => {
  it('never answers ≥ 500 and never writes part of a refused request', { timeout: 30_000 }, async () => {
    const runs = Number(process.env.FUZZ_RUNS ?? 6);
    const seed = Number(process.env.FUZZ_SEED ?? 20261129);
    const fuzzShop = await activeShop(t);
    const document = (await t.call('GET', '/openapi.json')).body;
    const operations: DocumentedOperation[] = Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, spec]) => ({
        operationId: spec.operationId,
        method: method.toUpperCase(),
        path,
        public: spec.security.length === 0,
        role: spec.tags[0] === 'public' ? undefined : (spec.tags[0] as Role),
        parameters: spec.parameters,
        bodyProperties: spec.requestBody ? Object.keys(spec.requestBody.content['application/json'].schema.properties ?? {}) : null,
      })),
    );
    expect(operations.length).toBe(httpFunctions().length);

    const db = createDocumentClient();
    const snapshot = async () => {
      await t.system.queues.drain();
      const { Items = [] } = await db.send(new ScanCommand({ TableName: t.system.info.tableName, ConsistentRead: true }));
      return createHash('sha256').update(JSON.stringify(Items.map((item) => JSON.stringify(item, Object.keys(item).sort())).sort())).digest('hex');
    };
    const tokens = Object.fromEntries(await Promise.all((['customer', 'admin', 'platform'] as const).map(async (role) => [role, await t.token(role, fuzzShop.shopId, `fuzz-${role}`)])));

    let tried = 0;
    let fivexx = 0;
    let partial = 0;
    const failures: string[] = [];
    let before = await snapshot();
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(requestOf(operation, fuzzShop.shopId), async ({ path, query, body }) => {
          // A broken %-escape goes in raw half the time; otherwise every value is encoded as a client would.
          const url = operation.path.replace(/\{(\w+)\}/g, (_all, name: string) => {
            const value = path[name]!;
            return value.startsWith('%') ? value : encodeURIComponent(value);
          });
          const search = new URLSearchParams(query).toString();
          const headers: Record<string, string> = operation.role ? { authorization: `Bearer ${tokens[operation.role]}` } : {};
          const init: RequestInit = { method: operation.method, headers };
          if (operation.method !== 'GET' && body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
          const response = await fetch(`${t.system.url}${url}${search ? `?${search}` : ''}`, init);
          const text = await response.text();
          tried += 1;
          if (response.status >= 500) {
            fivexx += 1;
            failures.push(`${operation.method} ${url}?${search} ${init.body ?? ''} → ${response.status} ${text.slice(0, 200)}`);
          }
          const after = await snapshot();
          if (response.status >= 400 && response.status < 500 && after !== before) {
            partial += 1;
            failures.push(`${operation.method} ${url} refused ${response.status} but the table changed: ${text.slice(0, 200)}`);
          }
          before = after;
          return response.status < 500;
        }),
        { numRuns: runs, seed, endOnFailure: true },
      );
    }
    console.log(`fuzz: ${tried} requests over ${operations.length} operations (seed ${seed}, ${runs} runs each), ${fivexx} responses ≥ 500, ${partial} partial writes`);
    expect(failures).toEqual([]);
  });
});

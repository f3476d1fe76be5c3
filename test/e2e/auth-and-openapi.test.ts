/**
 * For every route in system/functions.ts: without a token 401, with each
 * wrong role 403 (the route list drives this test, so a new route is covered
 * by adding it). And `GET /openapi.json` documents every route with its codes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFunctions, type Role } from '../../system/functions.ts';
import { docs } from '../../functions/api/docs.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';

let t: TestSystem;
beforeAll(async () => {
  t = await bootLocalSystem();
});
afterAll(() => t?.stop());

const ROLES: Role[] = ['customer', 'admin', 'platform'];
const guarded = httpFunctions().filter(([, route]) => route.auth !== 'public');
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, 'demo-shop');

describe('every guarded route', () => {
  it.each(guarded.map(([name, route]) => [name, route.method, route.path, route.auth] as const))('%s (%s %s) answers 401 without a token and 403 to roles other than %s', async (_name, method, path, auth) => {
    const body = method === 'GET' ? undefined : {};
    const anonymous = await t.call(method, concrete(path), { body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
    for (const role of ROLES.filter((r) => r !== auth)) {
      const wrongRole = await t.call(method, concrete(path), { token: await t.token(role, 'demo-shop'), body });
      expect(wrongRole.status, `${role} token`).toBe(403);
      expect(wrongRole.body.error.code).toBe('FORBIDDEN');
    }
  });
});

describe('GET /openapi.json', () => {
  it('is an OpenAPI 3.1 document listing every route with its method, security and error codes', async () => {
    const response = await t.call('GET', '/openapi.json');
    expect(response.status).toBe(200);
    const document = response.body;
    expect(document.openapi).toBe('3.1.0');
    for (const [name, route] of httpFunctions()) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation, `${route.method} ${route.path}`).toBeDefined();
      expect(operation.operationId).toBe(name);
      const codes = Object.values(operation.responses as Record<string, { content?: { 'application/json'?: { examples?: Record<string, unknown> } } }>)
        .flatMap((r) => Object.keys(r.content?.['application/json']?.examples ?? {}));
      for (const error of docs[name as keyof typeof docs].errors) expect(codes).toContain(error.code);
      if (route.auth === 'public') {
        expect(operation.security).toEqual([]);
      } else {
        expect(operation.security).toEqual([{ bearer: [] }]);
        expect(codes).toEqual(expect.arrayContaining(['UNAUTHENTICATED', 'FORBIDDEN']));
      }
    }
  });

  it('describes bodies with the same schemas that validate them', async () => {
    const { body: document } = await t.call('GET', '/openapi.json');
    const apply = document.paths['/admin/service/application'].post;
    const schema = apply.requestBody.content['application/json'].schema;
    expect(schema.properties.cardPg.enum).toEqual(['inicis', 'allat', 'kcp', 'tosspayments', 'ksnet', 'nicepay', 'cafe24pay']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(apply.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403', '404', '409', '500']));
    const purchase = document.paths['/shops/{shopId}/products/{productId}/purchase-options'].get;
    expect(purchase.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(['path:shopId', 'path:productId']);
  });
});

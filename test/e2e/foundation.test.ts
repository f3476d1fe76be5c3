/**
 * The foundation's vertical slice through the real local HTTP server: the
 * platform creates a shop, its admin reads the service state (NOT_APPLIED),
 * the data lands in the embedded table, and auth and validation answer with
 * the contract's codes.
 */
import { GetItemCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';

let t: TestSystem;
let platform: string;
let admin: string;

beforeAll(async () => {
  t = await bootLocalSystem();
  platform = await t.token('platform', 'platform', 'ops-1');
});
afterAll(() => t?.stop());

const newShop = (shopId: string) => ({ shopId, name: 'Morning Beans', operatorEmail: 'ops@morning-beans.example', productManagement: 'new' });

describe('GET /health', () => {
  it('answers without a token once the table is reachable', async () => {
    const response = await t.call('GET', '/health');
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ok');
    expect(response.body.time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+09:00$/);
  });
});

describe('POST /platform/shops', () => {
  it('creates a shop whose service is NOT_APPLIED, stored in the table', async () => {
    const response = await t.call('POST', '/platform/shops', { token: platform, body: newShop('morning-beans') });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({ shopId: 'morning-beans', name: 'Morning Beans', operatorEmail: 'ops@morning-beans.example', productManagement: 'new', createdAt: expect.stringMatching(/\+09:00$/) });

    const db = new DynamoDBClient({ endpoint: t.system.info.dynamodb, region: 'ap-northeast-2', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
    const { Item } = await db.send(new GetItemCommand({ TableName: t.system.info.tableName, Key: { pk: { S: 'SHOP#morning-beans' }, sk: { S: 'SHOP' } } }));
    db.destroy();
    expect(Item?.name?.S).toBe('Morning Beans');
    expect(Item?.productManagement?.S).toBe('new');
  });

  it('refuses a second shop with the same id (409) and leaves the first unchanged', async () => {
    await t.call('POST', '/platform/shops', { token: platform, body: newShop('twice') });
    const again = await t.call('POST', '/platform/shops', { token: platform, body: { ...newShop('twice'), name: 'Other name' } });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('SHOP_ALREADY_EXISTS');
    admin = await t.token('admin', 'twice');
    expect((await t.call('GET', '/admin/service', { token: admin })).status).toBe(200);
  });

  it('answers 400 VALIDATION_FAILED with one detail per bad field, and writes nothing', async () => {
    const response = await t.call('POST', '/platform/shops', {
      token: platform,
      body: { shopId: 'bad#id', name: '', operatorEmail: 'not-an-email', productManagement: 'old', extra: 1 },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    const paths = response.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['', 'name', 'operatorEmail', 'productManagement', 'shopId']);
    const readBack = await t.call('GET', '/admin/service', { token: await t.token('admin', 'bad#id') });
    expect(readBack.status).toBe(404);
  });

  it('answers 400 VALIDATION_FAILED for a body that is not JSON, or missing', async () => {
    const notJson = await t.call('POST', '/platform/shops', { token: platform, rawBody: '{"shopId":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'body' }] });
    const missing = await t.call('POST', '/platform/shops', { token: platform });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('answers 401 UNAUTHENTICATED without a token or with a forged one', async () => {
    const none = await t.call('POST', '/platform/shops', { body: newShop('no-token') });
    expect(none.status).toBe(401);
    expect(none.body.error.code).toBe('UNAUTHENTICATED');
    const [header, payload] = platform.split('.');
    const forged = await t.call('POST', '/platform/shops', { token: `${header}.${payload}.c2lnbmF0dXJl`, body: newShop('forged') });
    expect(forged.status).toBe(401);
  });

  it('answers 403 FORBIDDEN to an admin or a customer token', async () => {
    for (const role of ['admin', 'customer'] as const) {
      const response = await t.call('POST', '/platform/shops', { token: await t.token(role, 'demo-shop'), body: newShop(`by-${role}`) });
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
    }
  });
});

describe('GET /admin/service', () => {
  it("shows the admin's own shop as NOT_APPLIED, with no PG, contract, documents or subscriptions (S6)", async () => {
    await t.call('POST', '/platform/shops', { token: platform, body: newShop('fresh-shop') });
    const response = await t.call('GET', '/admin/service', { token: await t.token('admin', 'fresh-shop') });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'NOT_APPLIED', cardPg: null, easyPay: [], requiredDocuments: [], pgContracts: [], stats: { activeSubscriptions: 0 } });
  });

  it('answers 404 NOT_FOUND for a shop that does not exist', async () => {
    const response = await t.call('GET', '/admin/service', { token: await t.token('admin', 'no-such-shop') });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('NOT_FOUND');
  });

  it('answers 401 without a token and 403 to platform and customer tokens', async () => {
    expect((await t.call('GET', '/admin/service')).status).toBe(401);
    expect((await t.call('GET', '/admin/service', { token: platform })).status).toBe(403);
    expect((await t.call('GET', '/admin/service', { token: await t.token('customer', 'demo-shop') })).status).toBe(403);
  });

  it('serves the seeded demo shop for the README walkthrough', async () => {
    const response = await t.call('GET', '/admin/service', { token: await t.token('admin', 'demo-shop') });
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('NOT_APPLIED');
  });
});

describe('routing', () => {
  it('answers 404 NOT_FOUND in the contract shape for an unknown route or method', async () => {
    for (const [method, path] of [['GET', '/nope'], ['DELETE', '/health']] as const) {
      const response = await t.call(method, path);
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
    }
  });
});

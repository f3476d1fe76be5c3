/**
 * Signed webhooks (issue 13) through the real local HTTP server: registering endpoints (the secret shown
 * once, sealed at rest), listing them masked, the cap, deletes, and the deliveries view.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { MAX_WEBHOOK_ENDPOINTS } from '../../functions/domain/webhook-endpoint.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';

let t: TestSystem;
let platform: string;
let n = 0;

beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  platform = await t.token('platform', 'platform', 'ops');
});
afterAll(() => t?.stop());

async function newShop() {
  n += 1;
  const shopId = `hook-shop-${n}`;
  const created = await t.call('POST', '/platform/shops', { token: platform, body: { shopId, name: `Hooks ${n}`, operatorEmail: `ops@hooks-${n}.example`, productManagement: 'new' } });
  expect(created.status).toBe(201);
  return { shopId, admin: await t.token('admin', shopId, 'owner') };
}

const sinkUrl = (name: string) => `${t.system.url}/_local/webhook-sink/${name}`;
const register = (admin: string, body: unknown, headers: Record<string, string> = {}) => t.call('POST', '/admin/webhooks', { token: admin, body, headers });

describe('POST/GET/DELETE /admin/webhooks', () => {
  it('answers the secret once, keeps it sealed, and lists endpoints without it', async () => {
    const { admin } = await newShop();
    const created = await register(admin, { url: sinkUrl('a'), events: ['subscription.created', 'subscription.created', 'subscription.cancelled'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ url: sinkUrl('a'), events: ['subscription.created', 'subscription.cancelled'] });
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const listed = await t.call('GET', '/admin/webhooks', { token: admin });
    expect(listed.body).toEqual({ items: [{ id: created.body.id, url: sinkUrl('a'), events: ['subscription.created', 'subscription.cancelled'], createdAt: created.body.createdAt }] });
    // Nowhere in the table is the secret in clear.
    const { Items = [] } = await createDocumentClient().send(new ScanCommand({ TableName: t.system.info.tableName!, ConsistentRead: true }));
    expect(JSON.stringify(Items)).not.toContain(created.body.secret.slice(6));
    expect(JSON.stringify(Items)).toContain('env1.');
  });

  it('refuses a private or plain-http URL and an unknown event type with 400', async () => {
    const { admin } = await newShop();
    for (const url of ['http://hooks.example.com/in', 'https://10.0.0.1/in', 'https://169.254.169.254/latest', 'https://intranet/in']) {
      const refused = await register(admin, { url, events: ['subscription.created'] });
      expect(refused.status).toBe(400);
      expect(refused.body.error.details[0].path).toBe('url');
    }
    expect((await register(admin, { url: 'https://hooks.example.com/in', events: ['order.shipped'] })).status).toBe(400);
    expect((await register(admin, { url: 'https://hooks.example.com/in', events: [] })).status).toBe(400);
  });

  it(`caps a shop at ${MAX_WEBHOOK_ENDPOINTS} endpoints (409 WEBHOOK_LIMIT_REACHED); a delete frees a slot`, async () => {
    const { admin } = await newShop();
    const ids: string[] = [];
    for (let i = 0; i < MAX_WEBHOOK_ENDPOINTS; i += 1) ids.push((await register(admin, { url: `https://hooks.example.com/${i}`, events: ['subscription.created'] })).body.id);
    const over = await register(admin, { url: 'https://hooks.example.com/11', events: ['subscription.created'] });
    expect(over.status).toBe(409);
    expect(over.body.error.code).toBe('WEBHOOK_LIMIT_REACHED');
    expect((await t.call('DELETE', `/admin/webhooks/${ids[0]}`, { token: admin })).status).toBe(204);
    expect((await t.call('DELETE', `/admin/webhooks/${ids[0]}`, { token: admin })).status).toBe(404);
    expect((await register(admin, { url: 'https://hooks.example.com/11', events: ['subscription.created'] })).status).toBe(201);
  });

  it('replays an Idempotency-Key repeat as the same endpoint, without the secret', async () => {
    const { admin } = await newShop();
    const body = { url: 'https://hooks.example.com/once', events: ['subscription.created'] };
    const first = await register(admin, body, { 'idempotency-key': 'hook-1' });
    const again = await register(admin, body, { 'idempotency-key': 'hook-1' });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual({ id: first.body.id, url: body.url, events: body.events, createdAt: first.body.createdAt });
    expect((await t.call('GET', '/admin/webhooks', { token: admin })).body.items).toHaveLength(1);
  });

  it("answers 404 for another shop's endpoint, and an empty page of deliveries for a new one", async () => {
    const one = await newShop();
    const other = await newShop();
    const { id } = (await register(one.admin, { url: 'https://hooks.example.com/in', events: ['subscription.created'] })).body;
    expect((await t.call('GET', `/admin/webhooks/${id}/deliveries`, { token: one.admin })).body).toEqual({ items: [], nextCursor: null });
    expect((await t.call('GET', `/admin/webhooks/${id}/deliveries`, { token: other.admin })).status).toBe(404);
    expect((await t.call('DELETE', `/admin/webhooks/${id}`, { token: other.admin })).status).toBe(404);
  });
});

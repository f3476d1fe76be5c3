/**
 * Signed webhooks (issue 13) through the real local HTTP server: registering endpoints (the secret shown
 * once, sealed at rest), listing them masked, the cap, deletes, the deliveries view, and the whole path
 * bus → fan-out → delivery → the dev sink, signed so that the Standard Webhooks library verifies it.
 */
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
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

/** Publishes one domain event on the local bus, as the use cases do (functions/adapters/messaging/aws.ts). */
async function publish(shopId: string, type: string, id: string) {
  const client = new EventBridgeClient({ endpoint: t.system.info.eventBridge!, region: 'ap-northeast-2', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const detail = { id, shopId, subscriptionId: 'sub-e2e', customerId: 'buyer-1', reason: 'buyer', cancelledAt: '2027-01-10T08:00:00+09:00' };
  await client.send(new PutEventsCommand({ Entries: [{ EventBusName: 'subscriptions-local', Source: 'subscriptions', DetailType: type, Detail: JSON.stringify(detail) }] }));
  await t.system.queues.drain();
}

const sinkItems = async (name: string) => ((await t.call('GET', `/_local/outbox?to=${name}`)).body.items as Array<{ channel: string; body: string; headers: Record<string, string>; status: number }>).filter((item) => item.channel === 'webhook');

describe('delivery to the dev sink', () => {
  it('delivers a subscribed event, signed (verified with the standardwebhooks library), and shows the attempt', async () => {
    const { shopId, admin } = await newShop();
    // The clock at the real time: a verifier refuses a webhook-timestamp more than 5 minutes off its own.
    await t.call('POST', '/_local/clock', { body: { now: new Date().toISOString() } });
    const endpoint = (await register(admin, { url: sinkUrl(`${shopId}-ok`), events: ['subscription.cancelled'] })).body;
    await register(admin, { url: sinkUrl(`${shopId}-other`), events: ['subscription.created'] });
    await publish(shopId, 'subscription.cancelled', 'sub-e2e.cancelled');
    const [received, ...more] = await sinkItems(`${shopId}-ok`);
    expect(more).toEqual([]);
    expect(received!.headers['webhook-id']).toBe('sub-e2e.cancelled');
    expect(new Webhook(endpoint.secret).verify(received!.body, received!.headers)).toMatchObject({ type: 'subscription.cancelled', shopId, data: { subscriptionId: 'sub-e2e', reason: 'buyer' } });
    expect(await sinkItems(`${shopId}-other`)).toEqual([]);
    const deliveries = await t.call('GET', `/admin/webhooks/${endpoint.id}/deliveries`, { token: admin });
    expect(deliveries.body.items).toEqual([expect.objectContaining({ eventId: 'sub-e2e.cancelled', status: 'DELIVERED', attempts: [expect.objectContaining({ attempt: 1, statusCode: 204 })] })]);
  });

  it('records a failing attempt with its next retry, and delivers on the redelivery once it is due', async () => {
    const { shopId, admin } = await newShop();
    const start = new Date();
    await t.call('POST', '/_local/clock', { body: { now: start.toISOString() } });
    const endpoint = (await register(admin, { url: `${sinkUrl(`${shopId}-flaky`)}?failFirst=1`, events: ['subscription.cancelled'] })).body;
    await publish(shopId, 'subscription.cancelled', 'sub-flaky.cancelled');
    const failed = (await t.call('GET', `/admin/webhooks/${endpoint.id}/deliveries`, { token: admin })).body.items[0];
    expect(failed).toMatchObject({ status: 'PENDING', attempts: [{ attempt: 1, statusCode: 503 }] });
    expect(Date.parse(failed.attempts[0].nextAttemptAt) - Date.parse(failed.attempts[0].at)).toBe(5000);
    // The retry is due 5 s later: move the clock there and hand the worker its message, as SQS does after DelaySeconds.
    const due = new Date(Date.parse(failed.attempts[0].at) + 5000);
    await t.call('POST', '/_local/clock', { body: { now: due.toISOString() } });
    const message = { kind: 'WEBHOOK_DELIVERY', shopId, endpointId: endpoint.id, eventId: failed.eventId, eventAt: failed.eventAt, attempt: 2, dueAt: due.toISOString(), visibleAt: due.toISOString() };
    await t.system.invoke('webhookDelivery', { Records: [{ messageId: 'redelivery-1', body: JSON.stringify(message) }] });
    await t.system.queues.drain();
    const delivered = (await t.call('GET', `/admin/webhooks/${endpoint.id}/deliveries`, { token: admin })).body.items[0];
    expect(delivered).toMatchObject({ status: 'DELIVERED', attempts: [{ attempt: 1, statusCode: 503 }, { attempt: 2, statusCode: 204 }] });
    const received = await sinkItems(`${shopId}-flaky`);
    expect(received.map((item) => item.status)).toEqual([503, 204]);
    // Both attempts carry the same webhook-id (the consumer's dedupe key).
    expect(new Set(received.map((item) => item.headers['webhook-id']))).toEqual(new Set(['sub-flaky.cancelled']));
  });
});

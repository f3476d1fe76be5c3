/**
 * Through the real local HTTP server (issue 13):
 * - Idempotency-Key: a retried POST /subscriptions with one key creates one subscription, two at once create
 *   one, another body with the key is 422, and the OpenAPI document states the header and both refusals on
 *   every idempotent operation (expiry: test/integration/idempotency.test.ts);
 * - the subscription's events from the HTTP use cases: created, activated, cancelled (buyer), each once per
 *   id even when the request is repeated, each matching its schema in the OpenAPI document's webhooks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, functionNames } from '../../system/functions.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, earliestStart, signUpBody, subscribe } from '../support/storefront.ts';
import { EVENT_TYPES } from '../../system/events.ts';
import { eventEnvelope } from '../../functions/api/events.docs.ts';
import { LOCAL_EVENT_BUS_NAME } from '../../local/system.ts';

let t: TestSystem;
let shopId: string;
let start: string;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  ({ shopId } = await activeShop(t));
  start = await earliestStart(t, shopId);
});
afterAll(() => t?.stop());

const pendingOf = async (buyer: string) => (await t.call('GET', '/subscriptions', { token: buyer })).body.items.map((s: { id: string }) => s.id);

describe('Idempotency-Key on POST /subscriptions', () => {
  it('a retry with the same key and body answers the first answer and creates nothing more', async () => {
    const buyer = await t.token('customer', shopId, 'idem-retry');
    const headers = { 'idempotency-key': 'signup-retry-1' };
    const first = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start), headers });
    const again = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start), headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await pendingOf(buyer)).toEqual([first.body.subscription.id]);
    // Without a key, a repeat is a new request (as before).
    const keyless = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start) });
    expect(keyless.body.subscription.id).not.toBe(first.body.subscription.id);
  });

  it('two at once with one key: one subscription; the other answer is the replay or 409 IDEMPOTENCY_KEY_IN_PROGRESS', async () => {
    const buyer = await t.token('customer', shopId, 'idem-race');
    const headers = { 'idempotency-key': 'signup-race-1' };
    const answers = await Promise.all([0, 1].map(() => t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start), headers })));
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((a) => a.body.subscription.id)).size).toBe(1);
    for (const other of answers.filter((a) => a.status !== 201)) expect(other).toMatchObject({ status: 409, body: { error: { code: 'IDEMPOTENCY_KEY_IN_PROGRESS' } } });
    expect(await pendingOf(buyer)).toEqual([created[0]!.body.subscription.id]);
  });

  it('the same key with another body is 422 IDEMPOTENCY_KEY_REUSED and writes nothing; a malformed key is 400', async () => {
    const buyer = await t.token('customer', shopId, 'idem-reuse');
    const headers = { 'idempotency-key': 'signup-reuse-1' };
    await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start), headers });
    const reused = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start, { cycle: '1m' }), headers });
    expect(reused).toMatchObject({ status: 422, body: { error: { code: 'IDEMPOTENCY_KEY_REUSED' } } });
    expect(await pendingOf(buyer)).toHaveLength(1);
    const malformed = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start), headers: { 'idempotency-key': 'x'.repeat(256) } });
    expect(malformed).toMatchObject({ status: 400, body: { error: { code: 'VALIDATION_FAILED', details: [{ path: 'header.Idempotency-Key' }] } } });
  });

  it('the OpenAPI document states the header and both refusals on every idempotent operation', async () => {
    const document = (await t.call('GET', '/openapi.json')).body;
    const idempotent = functionNames.filter((name) => 'idempotent' in FUNCTIONS[name]);
    expect(idempotent.length).toBeGreaterThanOrEqual(5);
    for (const name of idempotent) {
      const route = FUNCTIONS[name] as { method: string; path: string };
      const operation = document.paths[route.path][route.method.toLowerCase()];
      expect(operation.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: false }));
      expect(operation.responses['409'].content['application/json'].examples).toHaveProperty('IDEMPOTENCY_KEY_IN_PROGRESS');
      expect(operation.responses['422'].content['application/json'].examples).toHaveProperty('IDEMPOTENCY_KEY_REUSED');
    }
  });
});

describe('the subscription events of the HTTP use cases', () => {
  const eventsOf = async (subscriptionId: string) =>
    ((await t.call('GET', `/_local/outbox?to=${LOCAL_EVENT_BUS_NAME}`)).body.items as Array<{ kind: string; body: string }>)
      .map((item) => ({ type: item.kind, ...(JSON.parse(item.body) as { id: string; shopId: string; subscriptionId: string } & Record<string, unknown>) }))
      .filter((event) => event.subscriptionId === subscriptionId);

  it('signup, checkout and the buyer cancel publish created, activated, cancelled (buyer) with stable ids; repeats publish the same ids', async () => {
    const buyer = await t.token('customer', shopId, 'events-buyer');
    const active = await subscribe(t, buyer, shopId);
    await t.call('POST', `/subscriptions/${active.id}/checkout`, { token: buyer, body: { useRegisteredCard: true } });
    for (let i = 0; i < 2; i += 1) expect((await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: {} })).status).toBe(200);
    const events = await eventsOf(active.id);
    expect(events.map((e) => e.type)).toEqual(['subscription.created', 'subscription.activated', 'subscription.activated', 'subscription.cancelled', 'subscription.cancelled']);
    expect([...new Set(events.map((e) => e.id))]).toEqual([`${active.id}.created`, `${active.id}.activated`, `${active.id}.cancelled`]);
    const cancelled = events.at(-1)!;
    expect(cancelled).toMatchObject({ shopId, customerId: 'events-buyer', reason: 'buyer' });
    // Each matches the payload the OpenAPI document's webhooks section states.
    for (const { type, id: _id, shopId: shop, ...data } of events) {
      expect(eventEnvelope(type as (typeof EVENT_TYPES)[number]).safeParse({ type, timestamp: new Date().toISOString(), shopId: shop, data }).success).toBe(true);
    }
  });

  it('the stop job publishes subscription.cancelled with reason service-stop for each subscription it cancels', async () => {
    const stopped = await activeShop(t);
    const buyer = await t.token('customer', stopped.shopId, 'stop-buyer');
    const active = await subscribe(t, buyer, stopped.shopId);
    expect((await t.call('POST', '/admin/service/stop', { token: stopped.admin })).status).toBe(202);
    await t.system.queues.drain();
    const cancelled = (await eventsOf(active.id)).filter((e) => e.type === 'subscription.cancelled');
    expect(cancelled.length).toBeGreaterThanOrEqual(1);
    expect(new Set(cancelled.map((e) => e.id))).toEqual(new Set([`${active.id}.cancelled`]));
    expect(cancelled[0]).toMatchObject({ shopId: stopped.shopId, reason: 'service-stop' });
  });

  it('the OpenAPI document has a webhooks entry for every event type (issues 13 and 14)', async () => {
    const document = (await t.call('GET', '/openapi.json')).body;
    expect(Object.keys(document.webhooks).sort()).toEqual([...EVENT_TYPES].sort());
    expect(EVENT_TYPES).toHaveLength(11); // issue 13's ten, and issue 14's subscription.completed
    expect(document.webhooks['subscription.cancelled'].post.requestBody.content['application/json'].schema.properties.data.properties.reason.enum).toEqual(['buyer', 'merchant', 'service-stop', 'price-increase-refused']);
  });
});

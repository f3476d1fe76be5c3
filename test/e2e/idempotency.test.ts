/**
 * Idempotency-Key through the real local HTTP server (issue 13): a retried POST /subscriptions with one key
 * creates one subscription, two at once create one, another body with the key is 422, and the OpenAPI
 * document states the header and both refusals on every idempotent operation. (Expiry: the integration test.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS, functionNames } from '../../system/functions.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, earliestStart, signUpBody } from '../support/storefront.ts';

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

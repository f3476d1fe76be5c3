/**
 * Billing keys and card numbers never appear in a log line: every byte this
 * process writes during a whole storefront flow (handlers at DEBUG, the local
 * runtime, the sandbox PG) is captured and searched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, authorize, earliestStart, signUpBody, subscribe } from '../support/storefront.ts';

let t: TestSystem;
const captured: string[] = [];
const originals = { out: process.stdout.write.bind(process.stdout), err: process.stderr.write.bind(process.stderr) };

beforeAll(async () => {
  const capture = (original: typeof process.stdout.write) =>
    ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stdout.write;
  process.stdout.write = capture(originals.out);
  process.stderr.write = capture(originals.err);
  t = await bootLocalSystem({ seed: false, logLevel: 'DEBUG' });
});
afterAll(async () => {
  process.stdout.write = originals.out;
  process.stderr.write = originals.err;
  await t?.stop();
});

describe('logs of a whole storefront flow', () => {
  it('contain no billing key and no card number', async () => {
    const { shopId } = await activeShop(t, { kakaopay: true });
    const buyer = await t.token('customer', shopId, 'log-buyer');
    const first = await subscribe(t, buyer, shopId, '9410-0000-0000-0001');
    await subscribe(t, buyer, shopId, '9410-0000-0000-0002'); // replaces the card: the old key is deleted
    const pending = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(await earliestStart(t, shopId)) });
    const foreign = await authorize(t, pending.body.subscription.id, { cardNumber: '4242-4242-4242-4242' });
    expect((await t.call('POST', `/subscriptions/${pending.body.subscription.id}/checkout`, { token: buyer, body: { authKey: foreign } })).status).toBe(422);
    await t.call('POST', `/subscriptions/${first.id}/cancel`, { token: buyer, body: {} });

    const { deps } = await import('../../functions/wiring.ts');
    const registered = await deps.billingKeys.get(shopId, 'log-buyer', 'card');
    expect(registered?.billingKey).toBeTruthy();
    const logs = captured.join('');
    // The capture works: the handlers' own lines (DEBUG responses included) are in it.
    expect(logs).toContain('Card registered');
    expect(logs).toContain('Response body');
    expect(logs).not.toContain(registered!.billingKey);
    for (const digits of ['9410000000000001', '9410-0000-0000-0001', '9410000000000002', '4242424242424242', '4242-4242-4242-4242']) expect(logs).not.toContain(digits);
    expect(logs).not.toMatch(/"billingKey"\s*:/);
  });
});

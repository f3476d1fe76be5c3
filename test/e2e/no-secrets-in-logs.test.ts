/**
 * Billing keys (a KakaoPay sid is one), card numbers, pg_tokens, NICE tids and
 * PortOne billing keys (what each window hands back) and every gateway's
 * credentials (Toss / NICE secret keys, KakaoPay's secret key, PortOne's API
 * secret) never appear in a log line,
 * responses included (handlers log them at DEBUG): every byte this process
 * writes during a whole storefront flow (the platform registering the
 * contracts, handlers at DEBUG, the local runtime, the sandbox PG) is captured
 * and searched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { SAMPLE_CONTRACTS } from '../../local/sample-contracts.ts';
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
  it('contain no billing key, sid, pg_token, card number or PG credential', async () => {
    const { shopId } = await activeShop(t, { kakaopay: true });
    const buyer = await t.token('customer', shopId, 'log-buyer');
    const first = await subscribe(t, buyer, shopId, '9410-0000-0000-0001');
    await subscribe(t, buyer, shopId, '9410-0000-0000-0002'); // replaces the card: the old key is deleted
    const pending = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(await earliestStart(t, shopId)) });
    const foreign = await authorize(t, pending.body.subscription.id, { cardNumber: '4242-4242-4242-4242' });
    expect((await t.call('POST', `/subscriptions/${pending.body.subscription.id}/checkout`, { token: buyer, body: { authKey: foreign } })).status).toBe(422);
    await t.call('POST', `/subscriptions/${first.id}/cancel`, { token: buyer, body: {} });
    // KakaoPay: ready (tid) → window (pg_token) → approve → the sid.
    const kakaoBuyer = await t.token('customer', shopId, 'log-kakao-buyer');
    const kakao = await t.call('POST', '/subscriptions', { token: kakaoBuyer, body: signUpBody(await earliestStart(t, shopId), { paymentMethod: 'kakaopay' }) });
    const pgToken = await authorize(t, kakao.body.subscription.id, { kakaoPayMethod: 'money' });
    expect((await t.call('POST', `/subscriptions/${kakao.body.subscription.id}/checkout`, { token: kakaoBuyer, body: { authKey: pgToken } })).status).toBe(200);

    // NICE (tid → bid) and a PG through PortOne (billing key from the window), each on its own shop's contract.
    const otherKeys: string[] = [];
    const otherShops: { shopId: string; buyerId: string }[] = [];
    for (const cardPg of ['nicepay', 'inicis'] as const) {
      const other = await activeShop(t, { cardPg });
      const otherBuyer = await t.token('customer', other.shopId, `log-${cardPg}-buyer`);
      const signup = await t.call('POST', '/subscriptions', { token: otherBuyer, body: signUpBody(await earliestStart(t, other.shopId)) });
      const handedBack = await authorize(t, signup.body.subscription.id, { cardNumber: '9410-0000-0000-0001' });
      expect((await t.call('POST', `/subscriptions/${signup.body.subscription.id}/checkout`, { token: otherBuyer, body: { authKey: handedBack } })).status).toBe(200);
      otherKeys.push(handedBack);
      otherShops.push({ shopId: other.shopId, buyerId: `log-${cardPg}-buyer` });
    }

    const { deps } = await import('../../functions/wiring.ts');
    const registered = await deps.billingKeys.get(shopId, 'log-buyer', 'card');
    expect(registered?.billingKey).toBeTruthy();
    const sid = (await deps.billingKeys.get(shopId, 'log-kakao-buyer', 'kakaopay'))?.billingKey;
    expect(sid).toBeTruthy();
    const logs = captured.join('');
    // The capture works: the handlers' own lines (DEBUG responses included) are in it.
    expect(logs).toContain('Card registered');
    expect(logs).toContain('Response body');
    expect(logs).not.toContain(registered!.billingKey);
    expect(logs).not.toContain(sid);
    expect(logs).not.toContain(pgToken);
    expect(logs).not.toContain(foreign);
    // Every gateway's secrets: Toss and NICE secret keys (and NICE's Basic credentials), KakaoPay's secret key, PortOne's API secret.
    const secrets = Object.values(SAMPLE_CONTRACTS).flatMap((contract) => [contract.secretKey, contract.apiSecret].filter((value): value is string => value !== undefined));
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    for (const secret of [...secrets, Buffer.from(`${SAMPLE_CONTRACTS.nicepay.clientKey}:${SAMPLE_CONTRACTS.nicepay.secretKey}`).toString('base64')]) expect(logs).not.toContain(secret);
    for (const { shopId: otherShop, buyerId } of otherShops) {
      const key = (await deps.billingKeys.get(otherShop, buyerId, 'card'))?.billingKey;
      expect(key).toBeTruthy();
      expect(logs).not.toContain(key);
    }
    for (const handedBack of otherKeys) expect(logs).not.toContain(handedBack);
    for (const digits of ['9410000000000001', '9410-0000-0000-0001', '9410000000000002', '4242424242424242', '4242-4242-4242-4242']) expect(logs).not.toContain(digits);
    expect(logs).not.toMatch(/"billingKey"\s*:/);
  });
});

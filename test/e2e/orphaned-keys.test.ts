/**
 * Issue 11, defects 1 and 2 (S10, S22): one buyer checking out many
 * subscriptions at once leaves exactly one live billing key at the PG, every
 * checkout answers (none keeps a claim or shows a card while pending), and a
 * stop leaves none — also of keys the PG holds that the table never knew.
 * Counted at the sandbox PG's GET /_local/sandbox-pg/billing-keys?customerKey=.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, authorize, earliestStart, signUpBody } from '../support/storefront.ts';

let t: TestSystem;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
});
afterAll(() => t?.stop());

const liveKeys = async (customerKey: string) => (await t.call('GET', `/_local/sandbox-pg/billing-keys?customerKey=${customerKey}`)).body.items as Array<{ billingKey: string; customerKey: string }>;

/** `n` pending signups of one buyer, each with an authKey from the card window. */
async function pendingSignups(shopId: string, buyer: string, n: number, card = '9410-0000-0000-0001') {
  const start = await earliestStart(t, shopId);
  const signups = [];
  for (let i = 0; i < n; i += 1) {
    const response = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start) });
    expect(response.status).toBe(201);
    const id = response.body.subscription.id as string;
    signups.push({ id, customerKey: response.body.registration.customerKey as string, authKey: await authorize(t, id, { cardNumber: card }) });
  }
  return signups;
}

async function stopAndWait(admin: string) {
  expect((await t.call('POST', '/admin/service/stop', { token: admin })).status).toBe(202);
  await t.system.queues.drain();
  expect((await t.call('GET', '/admin/service', { token: admin })).body.status).toBe('STOPPED');
}

describe('one buyer, many checkouts at once', () => {
  it.each([2, 10])('%i simultaneous checkouts: all ACTIVE on one card, one live key at the PG; none after a stop', async (n) => {
    const { shopId, admin } = await activeShop(t);
    const buyer = await t.token('customer', shopId, `racer-${n}`);
    const signups = await pendingSignups(shopId, buyer, n);
    const answers = await Promise.all(signups.map(({ id, authKey }) => t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey } })));
    expect(answers.map((answer) => answer.status)).toEqual(signups.map(() => 200));

    const { customerKey } = signups[0]!;
    const live = await liveKeys(customerKey);
    expect(live).toHaveLength(1);
    expect(live[0]!.billingKey).toMatch(/\*{4}/); // masked
    const card = (await t.call('GET', '/me/card', { token: buyer })).body;
    for (const { id, authKey } of signups) {
      const subscription = (await t.call('GET', `/subscriptions/${id}`, { token: buyer })).body;
      expect(subscription).toMatchObject({ status: 'ACTIVE', card: { issuer: card.issuer, last4: card.last4 } });
      // A retry answers the active subscription: nothing was left claimed.
      expect((await t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey } })).status).toBe(200);
    }

    await stopAndWait(admin);
    expect(await liveKeys(customerKey)).toEqual([]);
  });

  it('a buyer replacing the card while another checkout runs still ends with one live key (S10)', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await t.token('customer', shopId, 'replacer');
    const [first, ...others] = await pendingSignups(shopId, buyer, 4);
    expect((await t.call('POST', `/subscriptions/${first!.id}/checkout`, { token: buyer, body: { authKey: first!.authKey } })).status).toBe(200);
    const answers = await Promise.all(others.map(({ id, authKey }) => t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey } })));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    expect(await liveKeys(first!.customerKey)).toHaveLength(1);
  });
});

describe('the stop sweep (S22)', () => {
  it('deletes at the PG every key it holds for the shop’s buyers that the table does not', async () => {
    const { shopId, admin } = await activeShop(t);
    const buyer = await t.token('customer', shopId, 'sweep-buyer');
    const [paid, stray] = await pendingSignups(shopId, buyer, 2);
    expect((await t.call('POST', `/subscriptions/${paid!.id}/checkout`, { token: buyer, body: { authKey: paid!.authKey } })).status).toBe(200);
    // A key the PG issued that our table never recorded (a checkout that died right after the PG answered).
    const orphan = await t.call('POST', '/_local/sandbox-pg/billing-keys/issue', { body: { authKey: stray!.authKey, customerKey: stray!.customerKey } });
    expect(orphan.status).toBe(200);
    expect(await liveKeys(paid!.customerKey)).toHaveLength(2);

    await stopAndWait(admin);
    expect(await liveKeys(paid!.customerKey)).toEqual([]);
    expect((await t.call('GET', '/admin/service', { token: admin })).body.stop.progress).toMatchObject({ phase: 'DONE', keysDeleted: 2 });
  });

  it('lists every live key masked, and refuses a malformed customerKey', async () => {
    const all = await t.call('GET', '/_local/sandbox-pg/billing-keys');
    expect(all.status).toBe(200);
    for (const item of all.body.items) expect(item.billingKey).not.toMatch(/^sbx_bk_[0-9a-f]{24}$/);
    expect((await t.call('GET', '/_local/sandbox-pg/billing-keys?customerKey=%3Cx%3E')).status).toBe(400);
  });
});

describe('a cap on pending signups per buyer (issue 11)', () => {
  it('refuses the eleventh unpaid signup with 409 TOO_MANY_PENDING_SIGNUPS, and accepts one again once a signup is paid', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await t.token('customer', shopId, 'hoarder');
    const [first] = await pendingSignups(shopId, buyer, 10);
    const start = await earliestStart(t, shopId);
    const refused = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start) });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('TOO_MANY_PENDING_SIGNUPS');
    expect((await t.call('POST', '/subscriptions', { token: await t.token('customer', shopId, 'someone-else'), body: signUpBody(start) })).status).toBe(201);
    expect((await t.call('POST', `/subscriptions/${first!.id}/checkout`, { token: buyer, body: { authKey: first!.authKey } })).status).toBe(200);
    expect((await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start) })).status).toBe(201);
  });
});

describe('a checkout that fails after its claim releases it (defect 2)', () => {
  it('the PG failing mid-checkout leaves the subscription pending without a card, and a retry at once succeeds', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await t.token('customer', shopId, 'unlucky');
    const [signup] = await pendingSignups(shopId, buyer, 1);
    const { deps } = await import('../../functions/wiring.ts');
    const { checkOut } = await import('../../functions/use-cases/check-out.ts');
    const failing = {
      ...deps.gateways,
      gatewayFor: async (...args: Parameters<typeof deps.gateways.gatewayFor>) => ({ ...(await deps.gateways.gatewayFor(...args)), issueBillingKey: async () => Promise.reject(new Error('PG connection reset')) }),
    };
    await expect(checkOut({ ...deps, gateways: failing }, shopId, 'unlucky', signup!.id, { authKey: signup!.authKey })).rejects.toThrow('PG connection reset');
    const pending = (await t.call('GET', `/subscriptions/${signup!.id}`, { token: buyer })).body;
    expect(pending.status).toBe('PENDING_PAYMENT');
    expect(pending.card).toBeUndefined();
    const retry = await t.call('POST', `/subscriptions/${signup!.id}/checkout`, { token: buyer, body: { authKey: signup!.authKey } });
    expect(retry.status).toBe(200);
    expect(retry.body.status).toBe('ACTIVE');
  });
});

/**
 * The merchant side through the real local HTTP server: applying for the
 * service and the PG's review (S1–S3, S8), one card PG with KakaoPay beside it
 * (S9), a PG change or unlink recorded as a stop (S21), and the usage view (S6).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docs } from '../../functions/api/docs.ts';
import { serviceView } from '../../functions/api/service/service.docs.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { registerContracts } from '../support/storefront.ts';
import { SAMPLE_CONTRACTS } from '../../local/sample-contracts.ts';

let t: TestSystem;
let platform: string;
let shopCounter = 0;

beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  platform = await t.token('platform', 'platform', 'ops');
});
afterAll(() => t?.stop());

/** A fresh shop and its admin's token. */
async function newShop(productManagement: 'new' | 'legacy' = 'new') {
  shopCounter += 1;
  const shopId = `svc-shop-${shopCounter}`;
  const created = await t.call('POST', '/platform/shops', { token: platform, body: { shopId, name: `Shop ${shopCounter}`, operatorEmail: `ops${shopCounter}@shop.example`, productManagement } });
  expect(created.status).toBe(201);
  const admin = await t.token('admin', shopId, `owner-${shopCounter}`);
  shopOf.set(admin, shopId);
  return { shopId, admin };
}
const shopOf = new Map<string, string>();

/** Applies as the old body says, after the platform registered the contracts it names (S1: they are what is used). */
async function apply(admin: string, body: { cardPg?: string; easyPay?: string[] }) {
  const gateways = [body.cardPg, ...(body.easyPay ?? [])].filter((id): id is keyof typeof SAMPLE_CONTRACTS => id !== undefined && id in SAMPLE_CONTRACTS);
  await registerContracts(t, shopOf.get(admin)!, gateways);
  return t.call('POST', '/admin/service/application', { token: admin, body });
}
const review = (shopId: string, body: unknown) => t.call('POST', `/platform/shops/${shopId}/review`, { token: platform, body });
const service = async (admin: string) => serviceView.parse((await t.call('GET', '/admin/service', { token: admin })).body);

describe('applying (S1–S3, S7, S8)', () => {
  it.each([
    ['kcp', ['Recurring-payment contract (special terms)']],
    ['tosspayments', ['Amendment/addendum contract (2 copies)']],
    ['nicepay', ['Recurring-payment special terms']],
    ['inicis', []],
    ['ksnet', []],
  ])('S1, S3: applying on %s puts the service under review and lists that PG’s documents', async (cardPg, documents) => {
    const { admin } = await newShop();
    const response = await apply(admin, { cardPg });
    expect(response.status).toBe(201);
    expect(docs.applyForService.response.parse(response.body)).toMatchObject({ status: 'REVIEWING', cardPg, easyPay: [], requiredDocuments: documents });
    expect(await service(admin)).toMatchObject({ status: 'REVIEWING', cardPg, requiredDocuments: documents });
  });

  it('S7: refuses a PG the service is not offered on', async () => {
    const { admin } = await newShop();
    const response = await apply(admin, { cardPg: 'paypal' });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].path).toBe('cardPg');
  });

  it('S8: refuses a shop on the legacy product management, and changes nothing', async () => {
    const { admin } = await newShop('legacy');
    const response = await apply(admin, { cardPg: 'inicis' });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('PRODUCT_MANAGEMENT_NOT_SUPPORTED');
    expect((await service(admin)).status).toBe('NOT_APPLIED');
  });

  it('refuses a second application while one is under review, or while active (ALREADY_APPLIED)', async () => {
    const { shopId, admin } = await newShop();
    await apply(admin, { cardPg: 'inicis' });
    expect((await t.call('POST', '/admin/service/application', { token: admin, body: {} })).body.error.code).toBe('ALREADY_APPLIED');
    await review(shopId, { decision: 'approved' });
    const again = await t.call('POST', '/admin/service/application', { token: admin, body: {} });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ALREADY_APPLIED');
    expect((await service(admin)).cardPg).toBe('inicis');
  });

  it('lets exactly one of two simultaneous applications through', async () => {
    const { admin } = await newShop();
    await registerContracts(t, shopOf.get(admin)!, ['inicis']);
    const results = await Promise.all([apply(admin, {}), apply(admin, {})]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = results.find((r) => r.status === 201)!.body.cardPg;
    expect((await service(admin)).cardPg).toBe(winner);
  });

  it('S9: takes KakaoPay beside the card PG in the application', async () => {
    const { admin } = await newShop();
    expect((await apply(admin, { cardPg: 'tosspayments', easyPay: ['kakaopay'] })).body.easyPay).toEqual(['kakaopay']);
  });
});

describe("the PG's review (S2)", () => {
  it('approved → ACTIVE', async () => {
    const { shopId, admin } = await newShop();
    await apply(admin, { cardPg: 'ksnet' });
    const response = await review(shopId, { decision: 'approved' });
    expect(response.status).toBe(200);
    expect(await service(admin)).toMatchObject({ status: 'ACTIVE', cardPg: 'ksnet' });
  });

  it('rejected → REJECTED with the reason; the shop may apply again, which clears the reason', async () => {
    const { shopId, admin } = await newShop();
    await apply(admin, { cardPg: 'nicepay' });
    expect((await review(shopId, { decision: 'rejected', reason: 'Special terms not signed' })).status).toBe(200);
    expect(await service(admin)).toMatchObject({ status: 'REJECTED', rejectionReason: 'Special terms not signed' });
    const again = await apply(admin, { cardPg: 'nicepay' });
    expect(again.status).toBe(201);
    expect(again.body.rejectionReason).toBeUndefined();
  });

  it('a rejection needs a reason (400), and nothing changes', async () => {
    const { shopId, admin } = await newShop();
    await apply(admin, { cardPg: 'kcp' });
    const response = await review(shopId, { decision: 'rejected' });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].path).toBe('reason');
    expect((await service(admin)).status).toBe('REVIEWING');
  });

  it('only an application under review can be reviewed (409 NOT_UNDER_REVIEW); an unknown shop is 404', async () => {
    const { shopId } = await newShop();
    const response = await review(shopId, { decision: 'approved' });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('NOT_UNDER_REVIEW');
    expect((await review('no-such-shop', { decision: 'approved' })).status).toBe(404);
  });
});

describe('one card PG, KakaoPay beside it (S9), and PG changes (S21)', () => {
  async function activeShop(cardPg = 'tosspayments') {
    const shop = await newShop();
    await apply(shop.admin, { cardPg });
    await review(shop.shopId, { decision: 'approved' });
    return shop;
  }

  it('S9: KakaoPay is switched on and off on its own; the card PG and status stay', async () => {
    const { admin, shopId } = await activeShop();
    // KakaoPay needs its own contract (its signups call KakaoPay at once).
    expect((await t.call('PUT', '/admin/service/easy-pay', { token: admin, body: { kakaopay: true } })).body.error.code).toBe('PG_CONTRACT_MISSING');
    await registerContracts(t, shopId, ['kakaopay']);
    expect((await t.call('PUT', '/admin/service/easy-pay', { token: admin, body: { kakaopay: true } })).body).toMatchObject({ status: 'ACTIVE', cardPg: 'tosspayments', easyPay: ['kakaopay'] });
    expect((await t.call('PUT', '/admin/service/easy-pay', { token: admin, body: { kakaopay: false } })).body).toMatchObject({ status: 'ACTIVE', cardPg: 'tosspayments', easyPay: [] });
    expect((await t.call('PUT', '/admin/service/easy-pay', { token: admin, body: { kakaopay: 'yes' } })).status).toBe(400);
  });

  it('S9: the same PG again changes nothing', async () => {
    const { admin } = await activeShop('inicis');
    const response = await t.call('PUT', '/admin/service/pg', { token: admin, body: { cardPg: 'inicis' } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'ACTIVE', cardPg: 'inicis' });
  });

  it('S21: a different PG stops the service and records why; the new PG is kept for the next application', async () => {
    const { admin } = await activeShop('inicis');
    const response = await t.call('PUT', '/admin/service/pg', { token: admin, body: { cardPg: 'kcp' } });
    expect(response.status).toBe(200);
    // S21–S24: STOPPING while the stop job runs its cascade, STOPPED once it has.
    expect(response.body).toMatchObject({ status: 'STOPPING', cardPg: 'kcp', stop: { reason: 'PG_CHANGED' } });
    expect(response.body.stop.at).toMatch(/\+09:00$/);
    await t.system.queues.drain();
    expect(await service(admin)).toMatchObject({ status: 'STOPPED', cardPg: 'kcp', stop: { reason: 'PG_CHANGED', progress: { phase: 'DONE' } } });
    const reapply = await apply(admin, { cardPg: 'kcp' });
    expect(reapply.status).toBe(201);
    expect(reapply.body).toMatchObject({ status: 'REVIEWING', cardPg: 'kcp', requiredDocuments: ['Recurring-payment contract (special terms)'] });
    expect(reapply.body.stop).toBeUndefined();
  });

  it('S21: unlinking the PG stops the service', async () => {
    const { admin } = await activeShop();
    const response = await t.call('DELETE', '/admin/service/pg', { token: admin });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'STOPPING', cardPg: null, stop: { reason: 'PG_UNLINKED' } });
    await t.system.queues.drain();
    expect(await service(admin)).toMatchObject({ status: 'STOPPED', cardPg: null, stop: { reason: 'PG_UNLINKED' } });
  });

  it('a PG change during the review withdraws the application (it was made on the old contract)', async () => {
    const { admin } = await newShop();
    await apply(admin, { cardPg: 'kcp' });
    const response = await t.call('PUT', '/admin/service/pg', { token: admin, body: { cardPg: 'ksnet' } });
    expect(response.body).toMatchObject({ status: 'NOT_APPLIED', cardPg: 'ksnet' });
  });

  it('before applying, choosing a PG only records it', async () => {
    const { admin } = await newShop();
    expect((await t.call('PUT', '/admin/service/pg', { token: admin, body: { cardPg: 'kcp' } })).body).toMatchObject({ status: 'NOT_APPLIED', cardPg: 'kcp' });
  });
});

describe('applying on the registered contracts (issue 10, S1: no form)', () => {
  it.each(['allat', 'cafe24pay'])('422 GATEWAY_NOT_AVAILABLE at once for %s, at application and at registration, nothing stored', async (gateway) => {
    const { shopId, admin } = await newShop();
    const applied = await t.call('POST', '/admin/service/application', { token: admin, body: { cardPg: gateway } });
    expect([applied.status, applied.body.error.code]).toEqual([422, 'GATEWAY_NOT_AVAILABLE']);
    const registered = await t.call('PUT', `/platform/shops/${shopId}/pg-contracts/${gateway}`, { token: platform, body: { key: 'whatever-value' } });
    expect([registered.status, registered.body.error.code]).toEqual([422, 'GATEWAY_NOT_AVAILABLE']);
    expect((await t.call('GET', `/platform/shops/${shopId}/pg-contracts`, { token: platform })).body.items).toEqual([]);
    expect((await service(admin)).status).toBe('NOT_APPLIED');
  });

  it('409 PG_CONTRACT_MISSING without a contract, or for a body that disagrees with the contracts', async () => {
    const { shopId, admin } = await newShop();
    expect((await t.call('POST', '/admin/service/application', { token: admin, body: {} })).body.error.code).toBe('PG_CONTRACT_MISSING');
    await registerContracts(t, shopId, ['nicepay']);
    expect((await t.call('POST', '/admin/service/application', { token: admin, body: { cardPg: 'kcp' } })).body.error.code).toBe('PG_CONTRACT_MISSING');
    expect((await t.call('POST', '/admin/service/application', { token: admin, body: { cardPg: 'nicepay', easyPay: ['kakaopay'] } })).body.error.code).toBe('PG_CONTRACT_MISSING');
    expect((await service(admin)).status).toBe('NOT_APPLIED');
  });

  it('an empty body applies with the card PG and KakaoPay registered; KakaoPay alone is a service too (S9)', async () => {
    const both = await newShop();
    await registerContracts(t, both.shopId, ['kcp', 'kakaopay']);
    expect((await t.call('POST', '/admin/service/application', { token: both.admin, body: {} })).body).toMatchObject({ status: 'REVIEWING', cardPg: 'kcp', easyPay: ['kakaopay'] });
    const kakaoOnly = await newShop();
    await registerContracts(t, kakaoOnly.shopId, ['kakaopay']);
    expect((await t.call('POST', '/admin/service/application', { token: kakaoOnly.admin, body: {} })).body).toMatchObject({ status: 'REVIEWING', cardPg: null, easyPay: ['kakaopay'], requiredDocuments: [] });
  });

  it('credentials are write-only: the views show gateway, registeredAt and fingerprint; a rotation changes the fingerprint only', async () => {
    const { shopId, admin } = await newShop();
    await registerContracts(t, shopId, ['tosspayments']);
    const listed = (await t.call('GET', `/platform/shops/${shopId}/pg-contracts`, { token: platform })).body.items;
    expect(listed).toEqual([{ gateway: 'tosspayments', registeredAt: expect.any(String), fingerprint: expect.stringMatching(/^[0-9a-f]{12}$/) }]);
    const rotated = await t.call('PUT', `/platform/shops/${shopId}/pg-contracts/tosspayments`, { token: platform, body: { clientKey: 'test_ck_rotated0002', secretKey: 'test_sk_rotated0002' } });
    expect(rotated.status).toBe(204);
    const view = await service(admin);
    expect(view.pgContracts).toEqual([{ gateway: 'tosspayments', registeredAt: expect.any(String), fingerprint: expect.not.stringMatching(listed[0].fingerprint) }]);
    const everything = JSON.stringify([listed, view, rotated.body ?? null]);
    for (const secret of [SAMPLE_CONTRACTS.tosspayments.secretKey, 'test_sk_rotated0002']) expect(everything).not.toContain(secret);
    const invalid = await t.call('PUT', `/platform/shops/${shopId}/pg-contracts/tosspayments`, { token: platform, body: { clientKey: 'test_ck_x1', secretKey: 'leaky-secret-value' } });
    expect(invalid.status).toBe(400);
    expect(JSON.stringify(invalid.body)).not.toContain('leaky-secret-value');
  });
});

describe('S6: usage figures', () => {
  it('shows the active-subscription count of the shop', async () => {
    const { admin } = await newShop();
    expect((await service(admin)).stats).toEqual({ activeSubscriptions: 0 });
  });
});

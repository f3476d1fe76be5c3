/**
 * The stop cascade's end-to-end fixtures (S21–S24): buyers with mail addresses of their own (so the outbox
 * reads per buyer), and the views the tests read back over HTTP. Shared by stop-service.test.ts and
 * stop-service-crash.test.ts.
 */
import { expect } from 'vitest';
import type { TestSystem } from './local-system.ts';
import { activeShop, authorize, contact, earliestStart, signUpBody, subscribe } from './storefront.ts';

export type Shop = Awaited<ReturnType<typeof activeShop>>;

let n = 0;

/** `system` answers the file's local system (booted in its beforeAll, so read at each call). */
export function stopFixtures(system: () => TestSystem) {
  /** A buyer with their own mail address, subscribed with a card (or KakaoPay), or left PENDING_PAYMENT. */
  async function buyer(shop: Shop, options: { kakaopay?: boolean; pending?: boolean } = {}) {
    const t = system();
    n += 1;
    const customerId = `stop-buyer-${n}`;
    const token = await t.token('customer', shop.shopId, customerId);
    const email = `${customerId}@example.com`;
    const overrides = { contact: { ...contact, email }, ...(options.kakaopay ? { paymentMethod: 'kakaopay' } : {}) };
    if (options.pending) {
      const signup = await t.call('POST', '/subscriptions', { token, body: signUpBody(await earliestStart(t, shop.shopId), overrides) });
      expect(signup.status).toBe(201);
      return { customerId, token, email, subscription: signup.body.subscription };
    }
    if (options.kakaopay) {
      const signup = await t.call('POST', '/subscriptions', { token, body: signUpBody(await earliestStart(t, shop.shopId), overrides) });
      const id = signup.body.subscription.id as string;
      const checkout = await t.call('POST', `/subscriptions/${id}/checkout`, { token, body: { authKey: await authorize(t, id, { kakaoPayMethod: 'card' }) } });
      expect(checkout.status).toBe(200);
      return { customerId, token, email, subscription: checkout.body };
    }
    return { customerId, token, email, subscription: await subscribe(t, token, shop.shopId, '9410-0000-0000-0001', overrides) };
  }

  const call: TestSystem['call'] = (...args) => system().call(...args);
  const outbox = async (to?: string) => (await call('GET', `/_local/outbox${to ? `?to=${encodeURIComponent(to)}` : ''}`)).body.items as Array<{ kind: string; to: string; body: string; subject?: string }>;
  const mailsOf = async (kind: string, to?: string) => (await outbox(to)).filter((item) => item.kind === kind);
  const service = async (shop: Shop) => (await call('GET', '/admin/service', { token: shop.admin })).body;
  const detail = async (b: { token: string; subscription: { id: string } }) => (await call('GET', `/subscriptions/${b.subscription.id}`, { token: b.token })).body;
  const topUp = (shop: Shop, bulkMail: number) => call('POST', `/platform/shops/${shop.shopId}/credits`, { token: shop.platform, body: { bulkMail } });

  return { buyer, outbox, mailsOf, service, detail, topUp };
}

/** Shared storefront flows for end-to-end tests: an active shop with products, a buyer, signup and checkout. */
import { SAMPLE_CONTRACTS } from '../../local/sample-contracts.ts';
import type { TestSystem } from './local-system.ts';

/** The platform registers the shop's PG contracts (issue 10: applying uses them, S1). */
export async function registerContracts(t: TestSystem, shopId: string, gateways: ReadonlyArray<keyof typeof SAMPLE_CONTRACTS>): Promise<void> {
  const platform = await t.token('platform', 'platform', 'ops');
  for (const gateway of gateways) {
    const response = await t.call('PUT', `/platform/shops/${shopId}/pg-contracts/${gateway}`, { token: platform, body: SAMPLE_CONTRACTS[gateway] });
    if (response.status !== 204) throw new Error(`contract ${gateway} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
}

let counter = 0;

export const beans = { name: 'Beans 1kg', price: 25_000, subscription: { enabled: true, cycles: ['2w', '1m'] }, onePlusNEvent: false };
export const dripBags = { name: 'Drip bags 30', price: 18_000, subscription: { enabled: true, cycles: ['1w', '2w', '1m'] }, onePlusNEvent: false };

export const contact = { email: 'buyer@example.com', phone: '010-1234-5678' };
export const shippingAddress = { recipient: '김민지', phone: '010-1234-5678', postalCode: '04524', address1: '서울특별시 중구 세종대로 110', address2: '3층' };

export async function activeShop(t: TestSystem, options: { kakaopay?: boolean; active?: boolean; cardPg?: keyof typeof SAMPLE_CONTRACTS | null } = {}) {
  counter += 1;
  const shopId = `store-${counter}`;
  const platform = await t.token('platform', 'platform', 'ops');
  await t.call('POST', '/platform/shops', { token: platform, body: { shopId, name: `Store ${counter}`, operatorEmail: `ops@store-${counter}.example`, productManagement: 'new' } });
  const admin = await t.token('admin', shopId, 'owner');
  const cardPg = options.cardPg === undefined ? 'tosspayments' : options.cardPg;
  await registerContracts(t, shopId, [...(cardPg ? [cardPg] : []), ...(options.kakaopay ? (['kakaopay'] as const) : [])]);
  if (options.active ?? true) {
    await t.call('POST', '/admin/service/application', { token: admin, body: {} });
    await t.call('POST', `/platform/shops/${shopId}/review`, { token: platform, body: { decision: 'approved' } });
  }
  await t.call('PUT', '/admin/products/beans', { token: admin, body: beans });
  await t.call('PUT', '/admin/products/drip', { token: admin, body: dripBags });
  await t.call('PUT', '/admin/products/event', { token: admin, body: { ...beans, onePlusNEvent: true } });
  await t.call('PUT', '/admin/products/mug', { token: admin, body: { ...beans, subscription: { enabled: false, cycles: [] } } });
  return { shopId, admin, platform };
}

/** The earliest start date the shop offers today (from its purchase options). */
export async function earliestStart(t: TestSystem, shopId: string): Promise<string> {
  return (await t.call('GET', `/shops/${shopId}/products/beans/purchase-options`)).body.earliestStartDate;
}

export function signUpBody(startDate: string, overrides: Record<string, unknown> = {}) {
  return { items: [{ productId: 'beans', quantity: 2 }, { productId: 'drip', quantity: 1 }], cycle: '2w', startDate, paymentMethod: 'card', contact, shippingAddress, ...overrides };
}

/** The sandbox PG's registration window: what the buyer's browser does in the popup. */
export async function authorize(t: TestSystem, subscriptionId: string, registration: { cardNumber: string } | { kakaoPayMethod: 'card' | 'money' }): Promise<string> {
  const response = await t.call('POST', '/_local/sandbox-pg/authorize', { body: { subscriptionId, ...registration } });
  if (response.status !== 200) throw new Error(`authorize answered ${response.status}: ${JSON.stringify(response.body)}`);
  return response.body.authKey;
}

/** Signs up and checks out with a card; answers the active subscription. */
export async function subscribe(t: TestSystem, buyer: string, shopId: string, cardNumber = '9410-0000-0000-0001', overrides: Record<string, unknown> = {}) {
  const start = await earliestStart(t, shopId);
  const signup = await t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(start, overrides) });
  if (signup.status !== 201) throw new Error(`signup answered ${signup.status}: ${JSON.stringify(signup.body)}`);
  const id = signup.body.subscription.id as string;
  const checkout = await t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey: await authorize(t, id, { cardNumber }) } });
  if (checkout.status !== 200) throw new Error(`checkout answered ${checkout.status}: ${JSON.stringify(checkout.body)}`);
  return checkout.body;
}

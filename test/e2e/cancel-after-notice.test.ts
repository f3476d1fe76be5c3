/**
 * S18 and S19 through the local HTTP server. The cycle is locked NOTICED as
 * the notice run leaves it (test/support/cycles.ts), through the same
 * repository the run uses, with the amount and items it would lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { noticed } from '../support/cycles.ts';
import { dueOn } from '../support/run-deps.ts';
import { activeShop, subscribe } from '../support/storefront.ts';
import { addDays } from '../../functions/core/dates.ts';

let t: TestSystem;
let deps: typeof import('../../functions/wiring.ts')['deps'];
let n = 0;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  ({ deps } = await import('../../functions/wiring.ts'));
});
afterAll(() => t?.stop());

/** An active subscription (beans ×2 at 25,000, drip ×1 at 18,000) whose next cycle has been noticed. */
async function noticedSubscription() {
  const { shopId } = await activeShop(t);
  n += 1;
  const buyer = await t.token('customer', shopId, `notice-buyer-${n}`);
  const active = await subscribe(t, buyer, shopId);
  const cycle = await noticed(deps.cycles, active);
  return { buyer, active, cycle };
}

describe('after the payment notice', () => {
  it('S18: a partial cancel applies from the next cycle; the announced cycle keeps its amount and stays due', async () => {
    const { buyer, active, cycle } = await noticedSubscription();
    const response = await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: { productIds: ['drip'] } });
    expect(response.status).toBe(200);
    expect(response.body.status).toBe('ACTIVE');
    expect(response.body.items).toEqual([{ productId: 'beans', quantity: 2, status: 'ACTIVE' }, { productId: 'drip', quantity: 1, status: 'CANCELLED' }]);
    expect(response.body.cycles).toEqual([expect.objectContaining({ deliveryDate: cycle.deliveryDate, status: 'NOTICED', amount: 68_000 })]);
    expect(await dueOn(deps, 'CHARGE', cycle.chargeDate)).toContain(`${active.id}|${cycle.deliveryDate}`);
  });

  it('S19: cancelling every announced item means the cycle is not charged (SKIPPED, out of the due index)', async () => {
    const { buyer, active, cycle } = await noticedSubscription();
    const response = await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: {} });
    expect(response.body.status).toBe('CANCELLED');
    expect(response.body.cycles).toEqual([expect.objectContaining({ deliveryDate: cycle.deliveryDate, status: 'SKIPPED', amount: 68_000 })]);
    expect(await dueOn(deps, 'CHARGE', cycle.chargeDate)).not.toContain(`${active.id}|${cycle.deliveryDate}`);
  });

  it('S19: cancelling the announced items one by one skips the cycle once the last goes', async () => {
    const { buyer, active } = await noticedSubscription();
    await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: { productIds: ['beans'] } });
    const last = await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: { productIds: ['drip'] } });
    expect(last.body.status).toBe('CANCELLED');
    expect(last.body.cycles[0].status).toBe('SKIPPED');
  });

  it('a charge already under way stands: the cancel applies, the cycle keeps its state', async () => {
    const { buyer, active, cycle } = await noticedSubscription();
    // The charge run took the cycle first (it moves NOTICED on before charging).
    expect(await deps.cycles.write({ ...cycle, status: 'CHARGED' }, { status: 'NOTICED' })).toBe(true);
    const response = await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: {} });
    expect(response.body.status).toBe('CANCELLED');
    expect(response.body.cycles[0].status).toBe('CHARGED');
  });

  it('S19, a product gone before the notice: cancelling the announced ones skips the cycle and the subscription moves on (issue 13, stall a)', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await t.token('customer', shopId, 'stall-a');
    const active = await subscribe(t, buyer, shopId);
    // drip left the catalogue before the notice: only beans were announced.
    const following = addDays(active.nextDeliveryDate, 14);
    const cycle = await noticed(deps.cycles, active, [{ productId: 'beans', quantity: 2, unitPrice: 25_000 }], following);
    const response = await t.call('POST', `/subscriptions/${active.id}/cancel`, { token: buyer, body: { productIds: ['beans'] } });
    expect(response.body).toMatchObject({ status: 'ACTIVE', nextDeliveryDate: following, nextNoticeDate: addDays(following, -2) });
    expect(response.body.cycles).toEqual([expect.objectContaining({ deliveryDate: cycle.deliveryDate, status: 'SKIPPED' })]);
    expect(response.body.history).toEqual([expect.objectContaining({ action: 'cancel', details: expect.objectContaining({ productIds: ['beans'], whole: false, nextDeliveryDate: following }) })]);
    // The following delivery is planned and due for its notice: nothing waits behind the skipped cycle.
    expect(await dueOn(deps, 'NOTICE', addDays(following, -2))).toContain(`${active.id}|${following}`);
  });
});

/**
 * Issue 17 through the local system: runs that did not happen are caught up
 * by the next one — every run takes everything due or overdue — a late notice
 * moves its cycle so the buyer always gets a day before the charge, nothing
 * unannounced is charged, no subscription is left with a next delivery in the
 * past, and each run ends by returning what dead workers' credit blocks hold.
 * The runs are invoked as the Scheduler would at their times (the outage is
 * the runs that are not invoked), each followed by its queue's work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, seoulInstant, seoulTimestamp } from '../../functions/core/dates.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { runDeps, type RunDeps } from '../support/run-deps.ts';
import { activeShop, subscribe } from '../support/storefront.ts';

let t: TestSystem;
let deps: RunDeps;
beforeAll(async () => {
  t = await bootLocalSystem({ seed: false });
  deps = await runDeps();
});
afterAll(() => t?.stop());

/** Fires one run at a Seoul wall-clock time on a date, as the Scheduler would, and waits for its queued work. */
async function run(name: 'noticeRun' | 'chargeRun', date: string, hour: number) {
  const at = seoulInstant(date, hour, 0);
  if (at > t.system.clock.now()) t.system.clock.moveTo(at);
  const report = await t.system.invoke(name, { scheduledTime: seoulTimestamp(at) });
  await t.system.queues.drain();
  return report as { due: number; overdue: number; blocksReleased: number };
}

const view = async (token: string, id: string) => (await t.call('GET', `/subscriptions/${id}`, { token })).body;
const kinds = async (to: string) => (await t.call('GET', `/_local/outbox?to=${encodeURIComponent(to)}`)).body.items.map((item: { kind: string }) => item.kind);

describe('catch-up after runs that did not happen (issue 17)', () => {
  it('a missed notice run: the next day’s run notices late and moves the cycle a day; no charge comes less than a day after the notice', async () => {
    const { shopId, platform } = await activeShop(t);
    await t.call('POST', `/platform/shops/${shopId}/credits`, { token: platform, body: { sms: 10 } });
    const buyer = await t.token('customer', shopId, 'late-buyer');
    const sub = await subscribe(t, buyer, shopId, '9410-0000-0000-0001', { contact: { email: 'late@catch-up.example', phone: '010-5555-0001' } });
    const start: string = sub.nextDeliveryDate;

    // The notice run of D-2 never ran; D-1's takes the overdue notice.
    const notice = await run('noticeRun', addDays(start, -1), 8);
    expect(notice).toMatchObject({ due: 1, overdue: 1 });
    const moved = addDays(start, 1);
    let detail = await view(buyer, sub.id);
    expect(detail).toMatchObject({ nextDeliveryDate: moved, nextNoticeDate: addDays(start, -1), nextChargeDate: start });
    expect(detail.cycles).toEqual([expect.objectContaining({ deliveryDate: moved, chargeDate: start, status: 'NOTICED', movedFrom: start })]);
    expect(await kinds('late@catch-up.example')).toEqual(['payment-notice']);
    expect(await kinds(`ops@${shopId}.example`)).toEqual(['late-notice']);

    // D-1's charge runs: the buyer was told only this morning, so nothing yet.
    await run('chargeRun', addDays(start, -1), 10);
    await run('chargeRun', addDays(start, -1), 17);
    expect((await view(buyer, sub.id)).cycles[0].status).toBe('NOTICED');

    // The moved charge date: charged, and the subscription moves on to a delivery ahead.
    await run('chargeRun', start, 10);
    detail = await view(buyer, sub.id);
    expect(detail.cycles[0]).toMatchObject({ deliveryDate: moved, status: 'CHARGED', amount: 68_000 });
    expect(detail.nextDeliveryDate > start).toBe(true);
  });

  it('missed charge runs: the next run charges what is noticed and overdue; the next delivery is never left in the past', async () => {
    const { shopId, platform } = await activeShop(t);
    await t.call('POST', `/platform/shops/${shopId}/credits`, { token: platform, body: { sms: 10 } });
    const buyer = await t.token('customer', shopId, 'outage-buyer');
    const sub = await subscribe(t, buyer, shopId);
    const start: string = sub.nextDeliveryDate;
    await run('noticeRun', addDays(start, -2), 8);

    // Every charge run from D-1 to D+2 is lost; D+3's takes the overdue charge.
    const charge = await run('chargeRun', addDays(start, 3), 10);
    expect(charge).toMatchObject({ due: 1, overdue: 1 });
    const detail = await view(buyer, sub.id);
    expect(detail.cycles[0]).toMatchObject({ deliveryDate: start, status: 'CHARGED' });
    // The planned next delivery (two weeks on) is still ahead of its notice: the subscription moves there.
    expect(detail.nextDeliveryDate).toBe(addDays(start, 14));
    expect(detail.nextNoticeDate > addDays(start, 3)).toBe(true);
  });

  it('a cycle whose notice never went out is never charged', async () => {
    const { shopId } = await activeShop(t);
    const buyer = await t.token('customer', shopId, 'unannounced-buyer');
    const sub = await subscribe(t, buyer, shopId);
    const start: string = sub.nextDeliveryDate;
    // Its notice run died after locking it (NOTICING, still in the notice index), and no notice run came since.
    const planned = (await deps.cycles.get({ subscriptionId: sub.id, deliveryDate: start }))!;
    const at = seoulTimestamp(t.system.clock.now());
    expect(await deps.cycles.write({ ...planned, status: 'NOTICING', amount: 68_000, items: [{ productId: 'beans', quantity: 2, unitPrice: 25_000 }, { productId: 'drip', quantity: 1, unitPrice: 18_000 }], notice: { mail: { state: 'SENDING', attempts: 1, at }, sms: { state: 'OFF', attempts: 0, at } } }, { status: 'SCHEDULED' })).toBe(true);

    expect(await run('chargeRun', addDays(start, -1), 10)).toMatchObject({ due: 0 });
    expect((await deps.cycles.get({ subscriptionId: sub.id, deliveryDate: start }))?.status).toBe('NOTICING');
  });

  it('each run ends by releasing the credit blocks dead workers left open: nothing stays reserved', async () => {
    const { shopId, platform, admin } = await activeShop(t);
    await t.call('POST', `/platform/shops/${shopId}/credits`, { token: platform, body: { sms: 10 } });
    // A worker reserved a block and died.
    await deps.credits.reserveBlock({ shopId, kind: 'sms', blockId: 'notice:dead-worker:0' }, 4, t.system.clock.now());
    expect((await t.call('GET', '/admin/credits', { token: admin })).body).toMatchObject({ sms: 6, reserved: { sms: 4 } });
    // An hour later (a Lambda lives 15 minutes at most), the next run sweeps.
    t.system.clock.moveTo(new Date(t.system.clock.now().getTime() + 60 * 60 * 1000));
    const day = seoulTimestamp(t.system.clock.now()).slice(0, 10);
    const report = await run('chargeRun', addDays(day, 1), 10);
    expect(report.blocksReleased).toBeGreaterThanOrEqual(1);
    expect((await t.call('GET', '/admin/credits', { token: admin })).body).toMatchObject({ sms: 10, reserved: { sms: 0 } });
  });
});

/**
 * What a buyer, a merchant and an operator read after a stop and after a
 * declined charge, through the real local system: the three defects a new
 * user met (issue 16) stay fixed.
 * - After a service stop (S22) every item of a cancelled subscription is
 *   CANCELLED, as after a buyer's own cancel.
 * - Every timestamp the API shows is in Asia/Seoul (+09:00), nextAttemptAt too.
 * - The charge log counts attempts as the API does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '../../functions/core/dates.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { activeShop, earliestStart, subscribe } from '../support/storefront.ts';

let t: TestSystem;
const captured: string[] = [];
const original = process.stdout.write.bind(process.stdout);

beforeAll(async () => {
  // Captured, not echoed: the handlers' INFO lines would only clutter the test output.
  process.stdout.write = ((chunk: string | Uint8Array) => {
    captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  }) as typeof process.stdout.write;
  t = await bootLocalSystem({ seed: false, logLevel: 'INFO' });
});
afterAll(async () => {
  process.stdout.write = original;
  await t?.stop();
});

/** Every string in a JSON value that looks like an ISO 8601 timestamp, with where it is. */
function timestamps(value: unknown, path = ''): Array<{ path: string; value: string }> {
  if (typeof value === 'string') return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? [{ path, value }] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => timestamps(item, `${path}.${i}`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([key, item]) => timestamps(item, path ? `${path}.${key}` : key));
  return [];
}

/** The JSON log lines this process wrote with the given message. */
function logLines(message: string): Array<Record<string, unknown>> {
  return captured
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(message))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.message === message);
}

describe('after a service stop (S22)', () => {
  it('the remaining items of every cancelled subscription show CANCELLED, as after a buyer’s cancel', async () => {
    const { shopId, admin, platform } = await activeShop(t);
    await t.call('POST', `/platform/shops/${shopId}/credits`, { token: platform, body: { bulkMail: 10 } });
    const whole = await subscribe(t, await t.token('customer', shopId, 'stopped-whole'), shopId);
    const partlyBuyer = await t.token('customer', shopId, 'stopped-partly');
    const partly = await subscribe(t, partlyBuyer, shopId);
    // One item cancelled by the buyer before the stop: it stays CANCELLED, the other follows it.
    await t.call('POST', `/subscriptions/${partly.id}/cancel`, { token: partlyBuyer, body: { productIds: ['drip'] } });

    expect((await t.call('POST', '/admin/service/stop', { token: admin })).status).toBe(202);
    await t.system.queues.drain();
    expect((await t.call('GET', '/admin/service', { token: admin })).body.status).toBe('STOPPED');

    for (const id of [whole.id, partly.id]) {
      const shown = (await t.call('GET', `/admin/subscriptions/${id}`, { token: admin })).body;
      expect(shown).toMatchObject({ status: 'CANCELLED', cancelReason: 'SERVICE_STOPPED' });
      expect(shown.items.map((item: { productId: string; status: string }) => `${item.productId}:${item.status}`)).toEqual(['beans:CANCELLED', 'drip:CANCELLED']);
    }
  });
});

describe('a declined charge waiting for its retry (S17)', () => {
  let declined: { subscriptionId: string; chargeDate: string; admin: string; buyer: string; detail: any };
  beforeAll(async () => {
    const { shopId, platform, admin } = await activeShop(t);
    await t.call('POST', `/platform/shops/${shopId}/credits`, { token: platform, body: { sms: 10, bulkMail: 10 } });
    const buyer = await t.token('customer', shopId, 'declined');
    const start = await earliestStart(t, shopId);
    const subscription = await subscribe(t, buyer, shopId, '9410-0000-0000-0002');
    // D-1 after the 10:00 run: the first attempt was declined; the next one is at 17:00.
    const moved = await t.call('POST', '/_local/clock', { body: { now: `${addDays(start, -1)}T10:30:00+09:00` } });
    expect(moved.status).toBe(200);
    const detail = (await t.call('GET', `/admin/subscriptions/${subscription.id}`, { token: admin })).body;
    expect(detail.cycles[0]).toMatchObject({ status: 'NOTICED', chargeProgress: 'RETRY_SCHEDULED', attempts: 1 });
    declined = { subscriptionId: subscription.id, chargeDate: addDays(start, -1), admin, buyer, detail };
  });

  it('shows nextAttemptAt in +09:00, like every other timestamp the merchant and the buyer see', async () => {
    expect(declined.detail.cycles[0].nextAttemptAt).toBe(`${declined.chargeDate}T17:00:00+09:00`);
    const own = (await t.call('GET', `/subscriptions/${declined.subscriptionId}`, { token: declined.buyer })).body;
    const shown = [...timestamps(declined.detail), ...timestamps(own)];
    expect(shown.map(({ path }) => path)).toEqual(expect.arrayContaining(['createdAt', 'cycles.0.nextAttemptAt', 'cycles.0.lastFailure.at']));
    expect(shown.filter(({ value }) => !value.endsWith('+09:00'))).toEqual([]);
  });

  it('the charge log counts the attempt the API counts', () => {
    const logged = logLines('Charge item processed').filter((entry) => entry.subscriptionId === declined.subscriptionId);
    expect(logged).toEqual([expect.objectContaining({ result: 'retry-scheduled', attempts: declined.detail.cycles[0].attempts })]);
  });
});

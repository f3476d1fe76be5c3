/**
 * Issue 11, defect 7: a PG's free-text decline message never reaches a buyer.
 * PG codes map to our own Korean messages in one place (declines.ts); the
 * PG's text survives only as the operator-only detail, capped and stripped of
 * control characters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DECLINE_REASONS, declined, PG_DETAIL_MAX_LENGTH, pgText } from '../../functions/adapters/gateways/declines.ts';
import { toCycleView } from '../../functions/domain/subscription.ts';
import { processCharge } from '../../functions/use-cases/runs/charge.ts';
import { DECLINE } from '../../local/sandbox-pg.ts';
import { activeShop } from '../support/storefront.ts';
import { bootCharging, CARDS, chargeDeps, chargeItem, noticedSubscription, seoulAt, testClock, type Harness } from './charge-harness.ts';

describe('declines.ts: PG codes → our reasons', () => {
  it.each([
    ['tosspayments', 'REJECT_CARD_PAYMENT', 'INSUFFICIENT_FUNDS'],
    ['tosspayments', 'INVALID_STOPPED_CARD', 'CARD_STOPPED'],
    ['tosspayments', 'EXCEED_MAX_ONE_DAY_AMOUNT', 'LIMIT_EXCEEDED'],
    ['tosspayments', 'SOMETHING_NEW', 'DECLINED'],
    ['sandbox', 'NOT_FOUND_BILLING_KEY', 'PAYMENT_METHOD_INVALID'],
    ['a-pg-without-a-table', 'REJECT_CARD_PAYMENT', 'DECLINED'],
    ['tosspayments', 'constructor', 'DECLINED'],
  ])('%s %s → %s', (gateway, code, reason) => {
    const outcome = declined(gateway, code, 'whatever the PG said');
    expect(outcome).toEqual({ status: 'DECLINED', code, reason, message: DECLINE_REASONS[reason as keyof typeof DECLINE_REASONS], detail: 'whatever the PG said' });
  });

  it("keeps the PG's text one line, without control or bidi characters, capped", () => {
    expect(pgText('잔액\u0000부족\r\nBcc: a@b.c \u202Eevil')).toBe('잔액 부족 Bcc: a@b.c evil');
    const long = pgText('가'.repeat(1000));
    expect(long).toHaveLength(PG_DETAIL_MAX_LENGTH);
    expect(long.endsWith('…')).toBe(true);
    expect(declined('tosspayments', 'X\u0000Y'.repeat(40), 'm').code.length).toBeLessThanOrEqual(64);
  });
});

describe("a declined charge through the sandbox PG: the buyer reads our words, the operator also the PG's", () => {
  let h: Harness;
  let shopId: string;
  beforeAll(async () => {
    h = await bootCharging();
    ({ shopId } = await activeShop(h.t));
  });
  afterAll(() => h?.t.stop());

  it('last attempt declined: lastFailure and both buyer mails carry our message only; the operator mail carries the PG text as detail', async () => {
    const noticed = await noticedSubscription(h, shopId, { card: CARDS.declines });
    const { cycle, email } = noticed;
    // No retry window: the first attempt is the last one, so every mail of a failure goes out.
    const deps = { ...chargeDeps(h, { clock: testClock(seoulAt(cycle.chargeDate, '17:00')), mailer: h.deps.mailer }), chargeRetryDays: 0 };
    expect((await processCharge(deps, chargeItem(cycle, '17:00'))).result).toBe('failed');

    const stored = await h.subscriptions.getCycle(cycle.subscriptionId, cycle.deliveryDate);
    expect(stored?.lastFailure).toMatchObject({ code: DECLINE.code, message: DECLINE_REASONS.INSUFFICIENT_FUNDS, detail: DECLINE.message });
    expect(JSON.stringify(toCycleView(stored!))).not.toContain(DECLINE.message);
    expect(toCycleView(stored!).lastFailure).toMatchObject({ code: DECLINE.code, message: DECLINE_REASONS.INSUFFICIENT_FUNDS });

    const buyerMails = h.t.system.outbox.list({ to: email });
    expect(buyerMails.map((m) => m.kind)).toEqual(['charge-failed-final']);
    for (const mail of buyerMails) {
      expect(mail.body).toContain(DECLINE_REASONS.INSUFFICIENT_FUNDS);
      expect(mail.body).not.toContain(DECLINE.message);
    }
    const operator = h.t.system.outbox.list({ to: `ops@${shopId}.example` }).filter((m) => m.body.includes(cycle.subscriptionId));
    expect(operator.map((m) => m.kind)).toEqual(['charge-failed-operator']);
    expect(operator[0]!.body).toContain(DECLINE_REASONS.INSUFFICIENT_FUNDS);
    expect(operator[0]!.body).toContain(DECLINE.message);
  });
});

/**
 * The cycle's state machine (functions/domain/cycle.ts), exhaustively: every
 * state × every event, the invariants of each transition as properties over
 * generated cycles (fast-check), and the rules the runs decide with — due
 * checks, the late-notice rule, S19, the advance, order and idempotency ids.
 */
import { avoidedBecause, DEFAULT_DELIVERY_CALENDAR } from '../../functions/domain/delivery-calendar.ts';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, seoulDate } from '../../functions/core/dates.ts';
import {
  advance,
  alreadyResolved,
  chargeDue,
  claimHeld,
  CYCLE_STATES,
  dueOf,
  EVENT_SOURCES,
  idempotencyKeyFor,
  isOrder,
  lateShift,
  moved,
  NOT_CHARGED_AFTER_REVIEW,
  noticeSettled,
  noticeStep,
  nothingAnnouncedIsWanted,
  orderIdFor,
  orderNameFor,
  publicCycleStatus,
  followingDelivery,
  scheduledCycle,
  toCycleView,
  transition,
  type ChannelNotice,
  type Cycle,
  type CycleEvent,
  type CycleEventType,
  type CycleNotice,
  type CycleState,
} from '../../functions/domain/cycle.ts';
import { aSubscription } from '../support/subscription-fixtures.ts';

const AT = new Date('2026-12-09T01:00:00Z'); // 10:00 in Seoul
const sent = (at = '2026-12-08T08:00:01+09:00'): ChannelNotice => ({ state: 'SENT', attempts: 1, at, messageId: 'm-1' });
const sending = (at = '2026-12-08T08:00:01+09:00'): ChannelNotice => ({ state: 'SENDING', attempts: 1, at });
const settled: CycleNotice = { mail: sent(), sms: sent() };
const pending: CycleNotice = { mail: sending(), sms: sending(), smsBlock: 'notice:2026-12-08:m:0' };

function aCycle(status: CycleState, overrides: Partial<Cycle> = {}): Cycle {
  return {
    ...scheduledCycle({ id: 'sub-1', shopId: 'shop-a', customerId: 'cust-1' }, '2026-12-10'),
    status,
    ...(status === 'SCHEDULED' ? {} : { amount: 68_000, items: [{ productId: 'beans', quantity: 2, unitPrice: 25_000 }, { productId: 'drip', quantity: 1, unitPrice: 18_000 }], orderName: 'Beans 1kg 외 1건' }),
    ...(status === 'NOTICING' ? { notice: pending } : {}),
    ...(['NOTICED', 'CHARGING', 'CHARGED', 'FAILED', 'REVIEW'].includes(status) ? { notice: settled } : {}),
    ...(status === 'CHARGING' ? { attempts: 1, provider: 'tosspayments', orderId: 'sub-1-20261210-1', idempotencyKey: 'charge:sub-1:2026-12-10:1', chargingSince: '2026-12-09T10:00:00+09:00', nextAttemptAt: '2026-12-09T17:00:00+09:00' } : {}),
    ...overrides,
  } as Cycle;
}

/** One event of each type, as the runs make them. */
const EVENTS: { readonly [E in CycleEventType]: Extract<CycleEvent, { type: E }> } = {
  lock: { type: 'lock', lines: [{ productId: 'beans', quantity: 2, unitPrice: 25_000 }], orderName: 'Beans 1kg', notice: pending, following: '2026-12-24' },
  resend: { type: 'resend', notice: { ...pending, mail: { state: 'SENDING', attempts: 2, at: '2026-12-08T08:30:00+09:00' } } },
  settle: { type: 'settle', notice: settled },
  claim: { type: 'claim', provider: 'tosspayments', at: AT, nextRun: new Date('2026-12-09T08:00:00Z') },
  notChargeable: { type: 'notChargeable', failure: { code: 'NO_BILLING_KEY', message: 'no key', at: '2026-12-09T10:00:00+09:00' } },
  skip: { type: 'skip', reason: 'NOTHING_WANTED' },
  cancel: { type: 'cancel', reason: 'SERVICE_STOPPED' },
  takeOver: { type: 'takeOver', at: new Date('2026-12-09T08:00:00Z'), nextRun: new Date('2026-12-10T01:00:00Z') },
  paid: { type: 'paid', payment: { paymentKey: 'pay-1', approvedAt: '2026-12-09T10:00:02+09:00' }, at: AT },
  declined: { type: 'declined', failure: { code: 'REJECT_CARD_PAYMENT', message: 'declined', at: '2026-12-09T10:00:02+09:00' }, retryAt: new Date('2026-12-09T08:00:00Z') },
  review: { type: 'review', reason: 'cannot look it up' },
  resolve: { type: 'resolve', resolution: { outcome: 'charged', at: '2026-12-10T09:00:00+09:00', by: 'admin-1', pgReference: 'pay-9' } },
  retry: { type: 'retry', provider: 'tosspayments', at: AT, nextRun: new Date('2026-12-09T08:00:00Z') },
};

/** Where each event leads from each state it applies to (the table in the module comment). */
const EXPECTED: { readonly [E in CycleEventType]: Partial<Record<CycleState, CycleState>> } = {
  lock: { SCHEDULED: 'NOTICING' },
  resend: { NOTICING: 'NOTICING' },
  settle: { NOTICING: 'NOTICED' },
  claim: { NOTICED: 'CHARGING' },
  notChargeable: { NOTICED: 'FAILED' },
  skip: { SCHEDULED: 'SKIPPED', NOTICING: 'SKIPPED', NOTICED: 'SKIPPED' },
  cancel: { NOTICING: 'CANCELLED', NOTICED: 'CANCELLED' },
  takeOver: { CHARGING: 'CHARGING' },
  paid: { CHARGING: 'CHARGED' },
  declined: { CHARGING: 'NOTICED' },
  review: { CHARGING: 'REVIEW' },
  resolve: { REVIEW: 'CHARGED' },
  retry: { FAILED: 'CHARGING' },
};

describe('every state × every event', () => {
  const cases = CYCLE_STATES.flatMap((state) => (Object.keys(EVENTS) as CycleEventType[]).map((event) => [state, event] as const));
  it('covers all of them', () => {
    expect(cases).toHaveLength(CYCLE_STATES.length * Object.keys(EVENTS).length);
    // Every state some event leads out of, but the ends.
    const left = new Set(Object.values(EVENT_SOURCES).flat());
    expect(CYCLE_STATES.filter((state) => !left.has(state)).sort()).toEqual(['CANCELLED', 'CHARGED', 'SKIPPED']);
  });

  it.each(cases)('%s + %s', (state, type) => {
    const cycle = aCycle(state);
    const result = transition(cycle, EVENTS[type]);
    const to = EXPECTED[type][state];
    if (to === undefined) {
      expect(result.ok).toBe(false);
      return;
    }
    expect(result).toMatchObject({ ok: true, next: { status: to }, expect: { status: state } });
    if (!result.ok) return;
    // The charge attempt counter is part of the claim from NOTICED on; before it (never attempted) the status is.
    if (state === 'SCHEDULED' || state === 'NOTICING') expect(result.expect.attempts).toBeUndefined();
    else expect(result.expect.attempts).toBe(cycle.attempts ?? 0);
    // The identity never changes; a claim is always expected as read.
    expect(result.next).toMatchObject({ subscriptionId: 'sub-1', shopId: 'shop-a', customerId: 'cust-1', deliveryDate: '2026-12-10' });
    if (cycle.chargingSince !== undefined) expect(result.expect.chargingSince).toBe(cycle.chargingSince);
    // S18: once locked, no event changes the amount or the lines.
    if (state !== 'SCHEDULED') expect([result.next.amount, result.next.items]).toEqual([cycle.amount, cycle.items]);
  });
});

describe('transitions in detail', () => {
  it("retry (issue 13): a FAILED cycle claimed again by the shop — attempt n+1 and its own order id, as the charge run's claim; no longer failed, its last failure kept", () => {
    const failure = { code: 'REJECT_CARD_PAYMENT', message: 'declined', at: '2026-12-12T17:00:01+09:00', attempt: 6 };
    const failed = aCycle('FAILED', { attempts: 6, lastFailure: failure, failedAt: failure.at });
    const retried = transition(failed, EVENTS.retry);
    expect(retried).toMatchObject({ ok: true, expect: { status: 'FAILED', attempts: 6 }, next: { status: 'CHARGING', attempts: 7, orderId: orderIdFor('sub-1', '2026-12-10', 7), idempotencyKey: 'charge:sub-1:2026-12-10:7', provider: 'tosspayments', lastFailure: failure } });
    expect(retried.ok && retried.next.failedAt).toBeUndefined();
  });

  it('lock: the amount is the sum of the announced lines; nothing left to sell → SKIPPED; nothing to send → NOTICED at once', () => {
    const locked = transition(aCycle('SCHEDULED'), { ...EVENTS.lock, lines: [{ productId: 'a', quantity: 3, unitPrice: 1_500 }, { productId: 'b', quantity: 1, unitPrice: 700 }] });
    expect(locked.ok && locked.next).toMatchObject({ status: 'NOTICING', amount: 5_200, followingDeliveryDate: '2026-12-24', orderName: 'Beans 1kg' });
    expect(transition(aCycle('SCHEDULED'), { ...EVENTS.lock, lines: [] })).toMatchObject({ ok: true, next: { status: 'SKIPPED', amount: 0, endReason: 'NOTHING_TO_CHARGE' } });
    const off: CycleNotice = { mail: { state: 'OFF', attempts: 0, at: 'x' }, sms: { state: 'NO_ADDRESS', attempts: 0, at: 'x' } };
    expect(transition(aCycle('SCHEDULED'), { ...EVENTS.lock, notice: off })).toMatchObject({ ok: true, next: { status: 'NOTICED' } });
  });

  it('settle: only with every channel final', () => {
    expect(transition(aCycle('NOTICING'), { type: 'settle', notice: { ...settled, sms: sending() } }).ok).toBe(false);
    expect(transition(aCycle('NOTICING'), { type: 'settle', notice: { mail: sent(), sms: { state: 'NO_CREDIT', attempts: 1, at: 'x' } } }).ok).toBe(true);
  });

  it('claim: attempt n+1 with its deterministic order id and idempotency key, expected at attempt n', () => {
    const retried = aCycle('NOTICED', { attempts: 3, lastFailure: { code: 'X', message: 'x', at: 'x', attempt: 3 }, nextAttemptAt: '2026-12-09T17:00:00+09:00' });
    const result = transition(retried, EVENTS.claim);
    expect(result).toMatchObject({ ok: true, expect: { status: 'NOTICED', attempts: 3 }, next: { attempts: 4, orderId: orderIdFor('sub-1', '2026-12-10', 4), idempotencyKey: idempotencyKeyFor('sub-1', '2026-12-10', 4), chargingSince: '2026-12-09T10:00:00+09:00', nextAttemptAt: '2026-12-09T17:00:00+09:00' } });
  });

  it('declined: a retry waits NOTICED at its run (bookkeeping of the attempt dropped); the last one FAILs', () => {
    const retry = transition(aCycle('CHARGING'), EVENTS.declined);
    expect(retry.ok && retry.next).toMatchObject({ status: 'NOTICED', lastFailure: { attempt: 1 }, nextAttemptAt: '2026-12-09T17:00:00+09:00' });
    expect(retry.ok && retry.next).not.toHaveProperty('orderId');
    const last = transition(aCycle('CHARGING'), { ...EVENTS.declined, retryAt: null });
    expect(last.ok && last.next).toMatchObject({ status: 'FAILED', attempts: 1, orderId: 'sub-1-20261210-1', failedAt: '2026-12-09T10:00:02+09:00' });
  });

  it('paid: CHARGED with the payment and the shipping address, out of the due index and listed as an order', () => {
    const address = { recipient: '김', phone: '010', postalCode: '04524', address1: '서울' };
    const result = transition(aCycle('CHARGING'), { ...EVENTS.paid, shippingAddress: address });
    expect(result.ok && result.next).toMatchObject({ status: 'CHARGED', paymentKey: 'pay-1', chargedAt: '2026-12-09T10:00:00+09:00', shippingAddress: address, orderId: 'sub-1-20261210-1' });
    expect(result.ok && dueOf(result.next)).toBeUndefined();
    expect(result.ok && isOrder(result.next)).toBe(true);
  });

  it('resolve: an operator closes a REVIEW either way', () => {
    const charged = transition({ ...aCycle('REVIEW'), orderId: 'sub-1-20261210-1' }, EVENTS.resolve);
    expect(charged.ok && charged.next).toMatchObject({ status: 'CHARGED', paymentKey: 'pay-9', chargedAt: '2026-12-10T09:00:00+09:00', resolution: { outcome: 'charged', by: 'admin-1' } });
    expect(charged.ok && isOrder(charged.next)).toBe(true);
    const notCharged = transition(aCycle('REVIEW'), { type: 'resolve', resolution: { outcome: 'not-charged', at: '2026-12-10T09:00:00+09:00', by: 'admin-1' } });
    expect(notCharged.ok && notCharged.next).toMatchObject({ status: 'FAILED', lastFailure: { code: NOT_CHARGED_AFTER_REVIEW }, resolution: { outcome: 'not-charged' } });
    expect(notCharged.ok && alreadyResolved(notCharged.next, 'not-charged')).toBe(true);
    expect(notCharged.ok && alreadyResolved(notCharged.next, 'charged')).toBe(false);
    expect(transition(aCycle('CHARGED'), EVENTS.resolve).ok).toBe(false);
  });
});

describe('properties over generated cycles', () => {
  const state = fc.constantFrom(...CYCLE_STATES);
  const eventType = fc.constantFrom(...(Object.keys(EVENTS) as CycleEventType[]));
  const amount = fc.integer({ min: 1, max: 10_000_000 });
  const attempts = fc.integer({ min: 0, max: 12 });

  it('a refused event is exactly one whose source states do not include the cycle’s', () => {
    fc.assert(
      fc.property(state, eventType, attempts, (s, e, n) => {
        const result = transition(aCycle(s, { attempts: n }), EVENTS[e]);
        expect(result.ok).toBe(EVENT_SOURCES[e].includes(s));
      }),
    );
  });

  it('a cycle is in at most one index, and in the due index exactly while the runs have work on it', () => {
    fc.assert(
      fc.property(state, fc.option(fc.date({ min: new Date('2026-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }), { nil: undefined }), (s, next) => {
        const cycle = aCycle(s, next ? { nextAttemptAt: next.toISOString() } : {});
        const due = dueOf(cycle);
        expect(due !== undefined).toBe(['SCHEDULED', 'NOTICING', 'NOTICED', 'CHARGING'].includes(s));
        if (due && isOrder(cycle)) throw new Error('in two indexes');
        if (due?.kind === 'NOTICE') expect(due.date).toBe(cycle.noticeDate);
        if (due?.kind === 'CHARGE') expect(due.date).toBe(next ? seoulDate(next) : cycle.chargeDate);
      }),
    );
  });

  it('S18: the locked amount is the sum of the lines, and survives every later event', () => {
    const line = fc.record({ productId: fc.constantFrom('a', 'b', 'c'), quantity: fc.integer({ min: 1, max: 9 }), unitPrice: amount });
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 4 }), fc.array(eventType, { maxLength: 8 }), (lines, events) => {
        const locked = transition(aCycle('SCHEDULED'), { ...EVENTS.lock, lines });
        if (!locked.ok) throw new Error('lock refused');
        const total = lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0);
        let cycle = locked.next;
        expect(cycle.amount).toBe(total);
        for (const e of events) {
          const result = transition(cycle, EVENTS[e]);
          if (result.ok) cycle = result.next;
          expect(cycle.amount).toBe(total);
          expect(cycle.items).toEqual(lines);
        }
      }),
    );
  });

  it('every claim names a new attempt, its order id unique per attempt and valid for Toss Payments', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/), fc.integer({ min: 1, max: 99 }), (id, n) => {
        const orderId = orderIdFor(id, '2026-12-10', n);
        expect(orderId).toMatch(/^[A-Za-z0-9_-]{6,64}$/);
        expect(orderId).not.toBe(orderIdFor(id, '2026-12-10', n + 1));
        expect(orderId).not.toBe(orderIdFor(id, '2026-12-11', n));
        expect(idempotencyKeyFor(id, '2026-12-10', n)).not.toBe(idempotencyKeyFor(id, '2026-12-10', n + 1));
      }),
    );
  });

  it('the late-notice rule: the charge is never less than a day after the notice, and the S17 spacing is kept', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 400 }), fc.integer({ min: -3, max: 40 }), (offset, late) => {
        const planned = scheduledCycle({ id: 's', shopId: 'x', customerId: 'c' }, addDays('2026-12-01', offset));
        const day = addDays(planned.noticeDate, late);
        const shift = lateShift(planned, day);
        if (late <= 0) {
          expect(shift).toBeUndefined();
          return;
        }
        expect(shift).toEqual({ noticeDate: day, chargeDate: addDays(day, 1), deliveryDate: addDays(day, 2) });
        expect(shift!.deliveryDate).toBe(addDays(planned.deliveryDate, late));
      }),
    );
  });

  it("a late notice moves the delivery to a day the shop delivers on, never earlier than the rule's (issue 14's calendar)", () => {
    const planned = scheduledCycle({ id: 's', shopId: 'x', customerId: 'c' }, '2026-12-10');
    const noSundays = { avoid: { sundays: true, saturdays: false, publicHolidays: false }, shift: 'earlier' as const };
    // Noticed on Friday 2026-12-11: the rule's delivery is Sunday the 13th, which the shop avoids; not Saturday (earlier).
    expect(lateShift(planned, '2026-12-11', noSundays)).toEqual({ noticeDate: '2026-12-12', chargeDate: '2026-12-13', deliveryDate: '2026-12-14' });
    // Christmas is a public holiday: a shop that avoids them delivers on the 26th.
    const noHolidays = { avoid: { sundays: false, saturdays: false, publicHolidays: true }, shift: 'later' as const };
    expect(lateShift(planned, '2026-12-23', noHolidays)?.deliveryDate).toBe('2026-12-26');
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.boolean(), fc.boolean(), fc.constantFrom('later' as const, 'earlier' as const), (late, sundays, saturdays, shift) => {
        const day = addDays(planned.noticeDate, late);
        const moved = lateShift(planned, day, { avoid: { sundays, saturdays, publicHolidays: true }, shift })!;
        expect(moved.deliveryDate >= addDays(day, 2)).toBe(true);
        expect(avoidedBecause(moved.deliveryDate, { avoid: { sundays, saturdays, publicHolidays: true }, shift })).toEqual([]);
        expect(moved.chargeDate).toBe(addDays(moved.deliveryDate, -1));
      }),
    );
  });
});

describe('the notice run decides from the subscription', () => {
  const subscription = aSubscription({ id: 'sub-1', nextDeliveryDate: '2026-12-10', nextNoticeDate: '2026-12-08', nextChargeDate: '2026-12-09' });
  it.each([
    ['on time', aCycle('SCHEDULED'), subscription, true, '2026-12-08', { step: 'lock' }],
    ['a dead attempt, on time', aCycle('NOTICING'), subscription, true, '2026-12-08', { step: 'resume' }],
    ['a day late', aCycle('SCHEDULED'), subscription, true, '2026-12-09', { step: 'move', to: '2026-12-11' }],
    ['a dead attempt resent the next day', aCycle('NOTICING'), subscription, true, '2026-12-09', { step: 'move', to: '2026-12-11' }],
    ['a day late, at a shop that delivers on weekdays only', aCycle('SCHEDULED'), subscription, true, '2026-12-10', { step: 'move', to: '2026-12-14' }, { avoid: { sundays: true, saturdays: true, publicHolidays: false }, shift: 'later' as const }],
    ['cancelled', aCycle('SCHEDULED'), { ...subscription, status: 'CANCELLED' as const, nextDeliveryDate: null }, true, '2026-12-08', { step: 'withdraw', why: 'subscription CANCELLED' }],
    ['never checked out', aCycle('SCHEDULED'), { ...subscription, status: 'PENDING_PAYMENT' as const }, true, '2026-12-08', { step: 'withdraw', why: 'subscription PENDING_PAYMENT' }],
    ['gone', aCycle('SCHEDULED'), undefined, true, '2026-12-08', { step: 'withdraw', why: 'subscription missing' }],
    ['announced, then cancelled', aCycle('NOTICING'), { ...subscription, status: 'CANCELLED' as const, nextDeliveryDate: null }, true, '2026-12-08', { step: 'skip' }],
    ['moved on past it', aCycle('SCHEDULED'), { ...subscription, nextDeliveryDate: '2026-12-24' }, true, '2026-12-08', { step: 'withdraw', why: 'the subscription moved on to 2026-12-24' }],
    ['behind it (its current cycle in review)', aCycle('SCHEDULED'), { ...subscription, nextDeliveryDate: '2026-11-26' }, true, '2026-12-08', { step: 'none', why: 'behind' }],
    ['the service stopping', aCycle('SCHEDULED'), subscription, false, '2026-12-08', { step: 'none', why: 'service-not-active' }],
    ['already noticed', aCycle('NOTICED'), subscription, true, '2026-12-08', { step: 'none', why: 'already-noticed' }],
    ['no cycle', undefined, subscription, true, '2026-12-08', { step: 'none', why: 'not-found' }],
  ] as const)('%s', (_name, cycle, sub, active, day, expected, calendar?) => {
    expect(noticeStep(cycle, sub, active, day, calendar)).toEqual(expected);
  });

  it('a moved cycle is a fresh plan at its new dates that remembers where it came from', () => {
    expect(moved(aCycle('NOTICING'), '2026-12-11')).toMatchObject({ status: 'SCHEDULED', deliveryDate: '2026-12-11', noticeDate: '2026-12-09', chargeDate: '2026-12-10', amount: 0, items: [], movedFrom: '2026-12-10' });
    expect(moved(aCycle('NOTICING'), '2026-12-11')).not.toHaveProperty('notice');
    expect(toCycleView({ ...moved(aCycle('SCHEDULED'), '2026-12-11'), status: 'NOTICED' })).toMatchObject({ deliveryDate: '2026-12-11', movedFrom: '2026-12-10' });
  });
});

describe('the charge', () => {
  it('is due on its charge date, a retry at its run, and never on the day its notice went out', () => {
    expect(chargeDue(aCycle('NOTICED'), new Date('2026-12-08T08:00:00Z'))).toBe(false); // D-2 17:00
    expect(chargeDue(aCycle('NOTICED'), AT)).toBe(true);
    expect(chargeDue(aCycle('NOTICED', { nextAttemptAt: '2026-12-09T17:00:00+09:00' }), AT)).toBe(false);
    expect(chargeDue(aCycle('NOTICED', { nextAttemptAt: '2026-12-09T17:00:00+09:00' }), new Date('2026-12-09T08:00:00Z'))).toBe(true);
    // A notice (re)sent on the charge date itself: not that day.
    expect(chargeDue(aCycle('NOTICED', { notice: { mail: sent('2026-12-09T08:00:00+09:00'), sms: sent() } }), AT)).toBe(false);
  });

  it('S19: nothing announced is still wanted once the subscription is cancelled or every announced item is', () => {
    const cycle = aCycle('NOTICED');
    const sub = aSubscription({ id: 'sub-1', items: [{ productId: 'beans', quantity: 2, status: 'ACTIVE' }, { productId: 'drip', quantity: 1, status: 'ACTIVE' }] });
    expect(nothingAnnouncedIsWanted(sub, cycle)).toBe(false);
    expect(nothingAnnouncedIsWanted({ ...sub, items: [sub.items[0]!, { ...sub.items[1]!, status: 'CANCELLED' }] }, cycle)).toBe(false);
    expect(nothingAnnouncedIsWanted({ ...sub, items: sub.items.map((item) => ({ ...item, status: 'CANCELLED' as const })) }, cycle)).toBe(true);
    expect(nothingAnnouncedIsWanted({ ...sub, status: 'CANCELLED' }, cycle)).toBe(true);
    // Issue 13: nothing is charged while paused (the charge worker skips a cycle a race left NOTICED).
    expect(nothingAnnouncedIsWanted({ ...sub, status: 'PAUSED' }, cycle)).toBe(true);
  });

  it('a claim is held for the lease, then free to take over', () => {
    const charging = aCycle('CHARGING');
    expect(claimHeld(charging, new Date(Date.parse(charging.chargingSince!) + 59_000), 60_000)).toBe(true);
    expect(claimHeld(charging, new Date(Date.parse(charging.chargingSince!) + 61_000), 60_000)).toBe(false);
  });

  it('the order name: the first product and how many more, at most 100 characters', () => {
    const lines = [{ productId: 'beans', quantity: 2, unitPrice: 1 }, { productId: 'drip', quantity: 1, unitPrice: 1 }];
    expect(orderNameFor(lines, (id) => ({ beans: 'Beans 1kg' })[id])).toBe('Beans 1kg 외 1건');
    expect(orderNameFor([], () => undefined)).toBe('정기배송');
    expect(orderNameFor(lines.slice(0, 1), () => 'x'.repeat(150))).toHaveLength(100);
  });
});

describe('the advance after a cycle', () => {
  const plan = { calendar: DEFAULT_DELIVERY_CALENDAR, charged: true };
  const sub = aSubscription({ id: 'sub-1', cycle: '2w', startDate: '2026-11-26', nextDeliveryDate: '2026-12-10', nextNoticeDate: '2026-12-08', nextChargeDate: '2026-12-09' });
  it('moves to the delivery planned at the notice, whose SCHEDULED cycle exists', () => {
    const result = advance(sub, aCycle('CHARGED', { followingDeliveryDate: '2026-12-24' }), '2026-12-09', 'now', plan);
    expect(result).toEqual({ subscription: expect.objectContaining({ nextDeliveryDate: '2026-12-24', nextNoticeDate: '2026-12-22', nextChargeDate: '2026-12-23', updatedAt: 'now', chargedDeliveries: 1 }) });
  });
  it('far behind, to the first planned delivery whose notice is still ahead — and schedules it', () => {
    const result = advance(sub, aCycle('CHARGED', { followingDeliveryDate: '2026-12-24' }), '2026-12-22', 'now', plan);
    expect(result).toMatchObject({ subscription: { nextDeliveryDate: '2027-01-07' }, schedule: { deliveryDate: '2027-01-07', nominalDate: '2027-01-07' } });
  });
  it('without a planned following delivery (locked before it was planned), schedules the next one', () => {
    expect(advance(sub, aCycle('CHARGED'), '2026-12-09', 'now', plan)).toMatchObject({ subscription: { nextDeliveryDate: '2026-12-24' }, schedule: { deliveryDate: '2026-12-24', nominalDate: '2026-12-24' } });
  });
  it('counts a charged delivery; a failed or skipped one is not counted', () => {
    expect(advance({ ...sub, chargedDeliveries: 2 }, aCycle('CHARGED', { followingDeliveryDate: '2026-12-24' }), '2026-12-09', 'now', plan)?.subscription.chargedDeliveries).toBe(3);
    expect(advance(sub, aCycle('FAILED', { followingDeliveryDate: '2026-12-24' }), '2026-12-09', 'now', { ...plan, charged: false })?.subscription).not.toHaveProperty('chargedDeliveries');
  });
  it('a charged final delivery (maxDeliveries) completes the subscription: COMPLETED, no next dates, the following plan withdrawn', () => {
    const result = advance({ ...sub, chargedDeliveries: 2 }, aCycle('CHARGED', { followingDeliveryDate: '2026-12-24', finalDelivery: true, deliveryNumber: 3 }), '2026-12-09', 'now', plan);
    expect(result).toEqual({
      completed: true,
      withdraw: '2026-12-24',
      subscription: expect.objectContaining({ status: 'COMPLETED', chargedDeliveries: 3, nextDeliveryDate: null, nextNoticeDate: null, nextChargeDate: null, completedWith: '2026-12-10', completedAt: 'now' }),
    });
    // Not charged (declined for good): the final delivery is tried again at the next one.
    expect(advance(sub, aCycle('FAILED', { followingDeliveryDate: '2026-12-24', finalDelivery: true }), '2026-12-09', 'now', { ...plan, charged: false })).toMatchObject({ subscription: { status: 'ACTIVE', nextDeliveryDate: '2026-12-24' } });
  });
  it('follows the shop\'s calendar from the nominal date: the anchor never drifts (설날 2027)', () => {
    const calendar = { shift: 'later' as const, avoid: { sundays: false, saturdays: false, publicHolidays: true } };
    const weekly = aSubscription({ id: 'sub-w', cycle: '1w', startDate: '2027-01-24', nextDeliveryDate: '2027-01-31', nextNoticeDate: '2027-01-29', nextChargeDate: '2027-01-30' });
    // 2027-02-07 is 설날 and 02-08, 02-09 follow: delivered on 02-10, noticed 02-08, charged 02-09.
    const first = followingDelivery(weekly, { deliveryDate: '2027-01-31' }, calendar);
    expect(first).toEqual({ nominalDate: '2027-02-07', deliveryDate: '2027-02-10' });
    const moved = scheduledCycle(weekly, first);
    expect(moved).toMatchObject({ deliveryDate: '2027-02-10', noticeDate: '2027-02-08', chargeDate: '2027-02-09', nominalDate: '2027-02-07' });
    // The one after is a week after the NOMINAL date (02-14), not after the moved one (02-17).
    expect(followingDelivery(weekly, moved, calendar)).toEqual({ nominalDate: '2027-02-14', deliveryDate: '2027-02-14' });
    const advanced = advance({ ...weekly, nextDeliveryDate: '2027-02-10' }, { ...moved, status: 'CHARGED' }, '2027-02-09', 'now', { calendar, charged: true });
    expect(advanced?.subscription).toMatchObject({ nextDeliveryDate: '2027-02-14', nextNoticeDate: '2027-02-12', nextChargeDate: '2027-02-13' });
    expect(advanced?.subscription).not.toHaveProperty('nextNominalDate');
  });
  it('never twice, and never a subscription that is no longer ACTIVE', () => {
    expect(advance({ ...sub, nextDeliveryDate: '2026-12-24' }, aCycle('CHARGED'), '2026-12-09', 'now', plan)).toBeUndefined();
    expect(advance({ ...sub, status: 'CANCELLED' }, aCycle('CHARGED'), '2026-12-09', 'now', plan)).toBeUndefined();
  });
});

describe('the public view', () => {
  it('shows the runs’ internal states as NOTICED and hides a planned delivery', () => {
    expect(CYCLE_STATES.map((state) => publicCycleStatus(state))).toEqual([undefined, 'NOTICED', 'NOTICED', 'NOTICED', 'CHARGED', 'FAILED', 'SKIPPED', 'CANCELLED', 'NOTICED']);
    expect(noticeSettled(settled)).toBe(true);
    expect(toCycleView(aCycle('NOTICED', { nextAttemptAt: '2026-12-09T08:00:00.000Z', attempts: 1 }))).toMatchObject({ chargeProgress: 'RETRY_SCHEDULED', nextAttemptAt: '2026-12-09T17:00:00+09:00', attempts: 1 });
  });
});

/**
 * The notice's per-cycle steps (functions/use-cases/runs/notice.ts has the
 * course of a message): each decided by the domain (functions/domain/cycle.ts)
 * and written as one conditional write. A write that loses a race fails its
 * item (`LostRace`): the item is retried on its own and decides again from
 * what is true then. Also the item's sends (mail, then SMS if paid) and its
 * outcome.
 */
import { NOTICE_WORKER_TIMEOUT_SECONDS } from '../../../system/worker-timeouts.ts';
import { advance, followingDelivery, moved, nextDatesOf, orderNameFor, plannedOf, scheduledCycle, transition, type ChannelNotice, type Cycle, type CycleNotice, type Transition } from '../../domain/cycle.ts';
import { needsConsents, priceCycle } from '../../domain/cycle-pricing.ts';
import type { Product } from '../../domain/product.ts';
import { publishCycleEvent } from '../cycle-events.ts';
import { completeBefore, endForRefusedIncrease, type Subscription } from '../../domain/subscription.ts';
import { NotificationInFlight, sendDecision } from '../send-once.ts';
import type { ChannelOutcome, NoticeContext, NoticeItem, NoticeOutcome } from './notice.ts';
import { paymentNoticeMail, paymentNoticeSms, type PaymentNoticeContent } from '../../notifications/payment-notice.ts';
import { finishEnding } from './subscription-endings.ts';

/** A SENDING attempt older than this belongs to a dead worker: no notice worker lives longer. */
export const SENDING_LEASE_MS = NOTICE_WORKER_TIMEOUT_SECONDS * 1000;

/** A conditional write lost to another writer: the item is retried and decides again. */
export class LostRace extends Error {
  constructor(what: string) {
    super(`${what} changed meanwhile; retried`);
    this.name = 'LostRace';
  }
}

/** A locked (or resumed) notice: the cycle as written, and which channels go out now. */
export interface Lock {
  readonly cycle: Cycle;
  readonly sendMail: boolean;
  readonly sendSms: boolean;
}

async function write(ctx: NoticeContext, result: Transition, what: string): Promise<Cycle> {
  if (!result.ok) throw new Error(`${what}: ${result.reason}`);
  if (!(await ctx.deps.cycles.write(result.next, result.expect))) throw new LostRace(what);
  return result.next;
}

/** A channel's intent at the lock: SENDING when it is on and there is an address (S11), else its final state. */
export function intent(on: boolean, address: string | undefined, at: string): ChannelNotice {
  if (!on) return { state: 'OFF', attempts: 0, at };
  if (!address) return { state: 'NO_ADDRESS', attempts: 0, at };
  return { state: 'SENDING', attempts: 1, at };
}

/** The late-notice rule: the cycle moves by its lateness (domain `lateShift`), the subscription's next dates with it. */
export async function moveLate(ctx: NoticeContext, item: NoticeItem, to: string): Promise<void> {
  const { deps, at } = ctx;
  const from = item.cycle!;
  const subscription = item.subscription!;
  const target = moved(from, to);
  // The new plan first (a stale plan at that date is replaced); the old one withdrawn last.
  if (!(await deps.cycles.schedule(target, { replaceScheduled: true }))) throw new LostRace(`The cycle of ${from.subscriptionId} at ${to}`);
  // The subscription's rhythm stays: its next nominal date is the one the cycle was planned for.
  const updated = { ...nextDatesOf(subscription, plannedOf(target)), updatedAt: at };
  if (!(await deps.subscriptions.update(updated, subscription.version ?? 0))) throw new LostRace(`Subscription ${subscription.id}`);
  await deps.cycles.withdraw(item.ref, from.status);
  item.movedFrom = target.movedFrom;
  item.ref = { subscriptionId: from.subscriptionId, deliveryDate: to };
  item.cycle = target;
  item.subscription = { ...updated, version: (subscription.version ?? 0) + 1 };
}

/**
 * A plan that no longer holds is withdrawn; an announcement whose subscription ended is skipped (S19). A plan
 * whose subscription this run ended at it (completed, or a refused increase: issue 14) gets that end's
 * follow-ups first — again on a rerun, the plan being withdrawn last.
 */
export async function endStale(ctx: NoticeContext, item: NoticeItem, skip: boolean): Promise<NoticeOutcome> {
  const cycle = item.cycle!;
  if (!skip) {
    await finishEnding(ctx.deps, ctx.shopName, item.subscription, cycle.deliveryDate, SENDING_LEASE_MS);
    await ctx.deps.cycles.withdraw(item.ref, cycle.status);
    return { status: 'skipped', reason: 'withdrawn' };
  }
  // Refused: the cancel that ended it (or another worker) got there first; either way it is not charged.
  const result = transition(cycle, { type: 'skip', reason: 'NOTHING_WANTED' });
  if (result.ok) {
    await publishCycleEvent(ctx.deps, result.next);
    await ctx.deps.cycles.write(result.next, result.expect);
  }
  return { status: 'skipped', reason: 'not-active' };
}

export async function lockOrResume(ctx: NoticeContext, item: NoticeItem, products: ReadonlyMap<string, Product>, resume: boolean): Promise<Lock | { readonly outcome: NoticeOutcome }> {
  return resume ? resumeNotice(ctx, item) : lockNotice(ctx, item, products);
}

/**
 * The subscription ends before this cycle (issue 14: nothing left to deliver, or a refused increase under
 * `end-subscription`): its write first, then its follow-ups, the plan withdrawn last (a rerun finds it ended
 * at this cycle and finishes: `endStale`).
 */
async function endBefore(ctx: NoticeContext, item: NoticeItem, ended: Subscription): Promise<{ readonly outcome: NoticeOutcome }> {
  const subscription = item.subscription!;
  if (!(await ctx.deps.subscriptions.update(ended, subscription.version ?? 0))) throw new LostRace(`Subscription ${subscription.id}`);
  item.subscription = { ...ended, version: (subscription.version ?? 0) + 1 };
  await endStale(ctx, item, false);
  return { outcome: { status: 'skipped', reason: ended.status === 'COMPLETED' ? 'completed' : 'price-increase-refused' } };
}

/**
 * S18: the ACTIVE items at the price this cycle is due (issue 14: price changes, consents, the delivery
 * number's discount, maxDeliveries — domain `priceCycle`), fixed once; the delivery after it planned first,
 * by the shop's calendar from the subscription's anchor.
 */
async function lockNotice(ctx: NoticeContext, item: NoticeItem, products: ReadonlyMap<string, Product>): Promise<Lock | { readonly outcome: NoticeOutcome }> {
  const { deps, settings, at, day } = ctx;
  const cycle = item.cycle!;
  const subscription = item.subscription!;
  // The answers to price increases are read only when an increase applies from this notice on.
  const consents = needsConsents(subscription, products, cycle.noticeDate) ? await deps.priceConsents.consentsOf(subscription.id) : [];
  const priced = priceCycle(subscription, products, cycle.noticeDate, consents);
  if (priced.refusedIncrease !== undefined) return endBefore(ctx, item, endForRefusedIncrease(subscription, cycle.deliveryDate, at));
  if (priced.exhausted) return endBefore(ctx, item, completeBefore(subscription, cycle.deliveryDate, at));
  // A product gone from the catalogue cannot be sold: it is left out of the cycle (and the amount).
  const { lines, deliveryNumber, finalDelivery } = priced;
  const planned = followingDelivery(subscription, cycle, ctx.calendar);
  const following = planned.deliveryDate;
  if (planned.holidaysUnchecked) item.holidaysUnchecked = following;
  const notice: CycleNotice = {
    mail: intent(settings.paymentNotice.mail, subscription.contact?.email, at),
    sms: intent(settings.paymentNotice.sms, subscription.contact?.phone, at),
  };
  // The next delivery's plan before this one leaves the notice index: a crash in between cannot lose it.
  await deps.cycles.schedule(scheduledCycle(subscription, planned));
  if (lines.length === 0) {
    // Nothing to sell: SKIPPED, and no charge run will move the subscription on — this does, before the
    // cycle leaves the notice index.
    const result = transition(cycle, { type: 'lock', lines, orderName: '', notice, following, followingNominal: planned.nominalDate });
    if (result.ok) {
      const next = advance(subscription, result.next, day, at, { calendar: ctx.calendar, charged: false });
      if (next?.schedule) await deps.cycles.schedule(scheduledCycle(subscription, next.schedule));
      if (next && !(await deps.subscriptions.update(next.subscription, subscription.version ?? 0))) throw new LostRace(`Subscription ${subscription.id}`);
      await publishCycleEvent(deps, result.next);
    }
    await write(ctx, result, `The cycle of ${subscription.id} at ${cycle.deliveryDate}`);
    return { outcome: { status: 'skipped', reason: 'nothing-to-charge' } };
  }
  const bound: CycleNotice = notice.sms.state === 'SENDING' ? { ...notice, smsBlock: ctx.blockId } : notice;
  const orderName = orderNameFor(lines, (productId) => products.get(productId)?.name);
  const lock = { type: 'lock', lines, orderName, notice: bound, following, followingNominal: planned.nominalDate, deliveryNumber, finalDelivery } as const;
  const locking = transition(cycle, lock);
  // S11: nothing to send — announced as far as the shop wants, at the lock itself.
  if (locking.ok && locking.next.status === 'NOTICED') await publishCycleEvent(deps, locking.next);
  const locked = await write(ctx, locking, `The cycle of ${subscription.id} at ${cycle.deliveryDate}`);
  if (locked.status === 'NOTICED') {
    // S11: both channels off (or no address): nothing to send, and nothing to settle.
    const state = (channel: ChannelNotice) => (channel.state === 'OFF' ? 'off' : 'no-address');
    return { outcome: { status: 'noticed', deliveryDate: locked.deliveryDate, amount: locked.amount, mail: state(notice.mail), sms: state(notice.sms) } };
  }
  return { cycle: locked, sendMail: notice.mail.state === 'SENDING', sendSms: notice.sms.state === 'SENDING' };
}

/**
 * A notice a dead attempt left SENDING: sent again once its lease is over (never lost — the bounded
 * at-least-once edge of send-once); still in its lease, another worker is at it: fail fast, retry later.
 */
async function resumeNotice(ctx: NoticeContext, item: NoticeItem): Promise<Lock> {
  const { now, at } = ctx;
  const cycle = item.cycle!;
  const notice = cycle.notice!;
  const decide = (channel: ChannelNotice) => (channel.state === 'SENDING' ? sendDecision({ state: channel.state, attempts: channel.attempts, at: channel.at }, now, { leaseMs: SENDING_LEASE_MS }) : 'done');
  const mail = decide(notice.mail);
  const sms = decide(notice.sms);
  if (mail === 'in-flight' || sms === 'in-flight') throw new NotificationInFlight(`The payment notice of ${cycle.subscriptionId}/${cycle.deliveryDate}`);
  const again = (channel: ChannelNotice, resend: boolean): ChannelNotice => (resend ? { state: 'SENDING', attempts: channel.attempts + 1, at } : channel);
  // The SMS stays bound to its block: paid there if that block holds it, else (closed) one by one (notice-credits.ts).
  const next: CycleNotice = { ...notice, mail: again(notice.mail, mail === 'resend'), sms: again(notice.sms, sms === 'resend') };
  const resumed = await write(ctx, transition(cycle, { type: 'resend', notice: next }), `The notice of ${cycle.subscriptionId}/${cycle.deliveryDate}`);
  return { cycle: resumed, sendMail: mail === 'resend', sendSms: sms === 'resend' };
}

/** Every channel's outcome recorded: NOTICED, out of the notice index and into the charge index (the domain's settle). */
export const settling = (cycle: Cycle, notice: CycleNotice): Transition => transition(cycle, { type: 'settle', notice });

/**
 * Writes a settle once its noticed event is out (notice.ts publishes a message's events together, before these
 * writes). Refused by the domain: a cancel skipped it meanwhile (S19), or a duplicate settled it; what was sent was sent.
 */
export async function settle(ctx: NoticeContext, result: Transition): Promise<void> {
  if (result.ok) await ctx.deps.cycles.write(result.next, result.expect);
}

/**
 * Whether the item's notice will bind an SMS to the message's block: a lock with an SMS intent (S11, the same
 * `intent` the lock writes), or a resend whose SMS is still to go, bound to this block.
 */
export function bindsSms(ctx: NoticeContext, item: NoticeItem, step: string): boolean {
  if (step === 'lock' || step === 'move') return intent(ctx.settings.paymentNotice.sms, item.subscription?.contact?.phone, ctx.at).state === 'SENDING';
  const notice = item.cycle?.notice;
  return step === 'resume' && notice?.sms.state === 'SENDING' && (notice.smsBlock ?? ctx.blockId) === ctx.blockId;
}

/** Sends what the lock left to send (the SMS only if paid); answers every channel's outcome. */
export async function send(ctx: NoticeContext, item: NoticeItem, products: ReadonlyMap<string, Product>, smsPaid: boolean): Promise<CycleNotice> {
  const { cycle, sendMail, sendSms } = item.lock!;
  const subscription = item.subscription!;
  const notice = cycle.notice!;
  const content: PaymentNoticeContent = {
    shopName: ctx.shopName,
    deliveryDate: cycle.deliveryDate,
    chargeDate: cycle.chargeDate,
    amount: cycle.amount,
    lines: cycle.items.map((line) => ({ name: products.get(line.productId)?.name ?? line.productId, quantity: line.quantity, unitPrice: line.unitPrice })),
    paymentMethod: subscription.paymentMethod,
    card: subscription.card,
    movedFrom: cycle.movedFrom,
  };
  const sent = async (channel: ChannelNotice, send: () => Promise<{ messageId: string }>): Promise<ChannelNotice> => ({ ...channel, state: 'SENT', messageId: (await send()).messageId });
  // Mail, then SMS (the items of a message go side by side already): a crash between them resends what was not recorded.
  const mail = sendMail ? await sent(notice.mail, () => ctx.deps.mailer.send({ to: subscription.contact!.email, ...paymentNoticeMail(content), kind: 'payment-notice' })) : notice.mail;
  // S12, issue 14: one credit per SNS part sent — the notice SMS is fitted to one part (paymentNoticeSms), so one credit.
  const sms = !sendSms ? notice.sms : smsPaid ? await sent(notice.sms, () => ctx.deps.sms.send({ to: subscription.contact!.phone, text: paymentNoticeSms(content), kind: 'payment-notice' })) : { ...notice.sms, state: 'NO_CREDIT' as const };
  return { ...notice, mail, sms };
}

/** A settled notice's outcome (also when the settle was refused: what was sent was sent). */
export function noticed(item: NoticeItem): NoticeOutcome {
  const { cycle, sendMail, sendSms } = item.lock!;
  const { mail, sms } = item.sent!;
  return { status: 'noticed', deliveryDate: cycle.deliveryDate, amount: cycle.amount, mail: channelOutcome(mail, sendMail), sms: channelOutcome(sms, sendSms), ...(cycle.movedFrom ? { movedFrom: cycle.movedFrom } : {}) };
}

function channelOutcome(channel: ChannelNotice, sentNow: boolean): ChannelOutcome {
  switch (channel.state) {
    case 'SENT':
      return sentNow ? 'sent' : 'already-sent';
    case 'NO_CREDIT':
      return 'no-credit';
    case 'OFF':
      return 'off';
    default:
      return 'no-address';
  }
}


/**
 * The D-2 payment notice (S11, S12, S17, S18): what the notice worker does
 * with one message of due work — up to 25 planned cycles of one shop.
 *
 * Primary course (each step idempotent; docs/data-model.md, "State changes
 * without transactions"), for the whole message at once:
 * 1. Read everything it needs together — the cycles, their subscriptions, the
 *    shop and its settings, its credit block — then the products (two
 *    BatchGetItems with the worker's batching client). The domain decides each
 *    cycle's step (`noticeStep`): the subscription is the truth, the index a hint.
 *    The message's credit block is reserved from here on, beside the next
 *    steps, for the SMS the locks will bind to it (S12).
 * 2. Lock each cycle (S18): the ACTIVE items at today's prices, the notice's
 *    intents per channel (S11) and the SMS credit binding, in one conditional
 *    write (SCHEDULED → NOTICING) — after planning the delivery after it
 *    (its SCHEDULED cycle), so a crash can never lose the next one.
 * 3. Pay every SMS from the message's credit block with one write (S12); its
 *    ledger lines and the block's release start now, beside steps 4 and 5.
 * 4. Send mail and SMS.
 * 5. Settle each cycle (NOTICING → NOTICED): the message's noticed events
 *    first, together (ten per PutEvents), then each cycle written with the
 *    provider's ids, out of the notice index and into the charge index of its
 *    charge date.
 * 6. Wait for the SMS ledger lines (one batch write) and the block's release,
 *    and tell the operator once a day when credits ran out or notices went out late.
 *
 * Alternate courses:
 * - Late (the notice run missed the notice date, or a dead attempt is resent
 *   another day): the cycle moves by its lateness (`lateShift`), the
 *   subscription with it, then it is noticed there; the operator is told.
 * - No SMS credit (S12): NO_CREDIT, no SMS; the mail still goes out.
 * - No product left in the catalogue: SKIPPED, the subscription moves on.
 * - A plan that no longer holds (cancelled, moved on): withdrawn (deleted).
 * - A crash anywhere: the message comes back (or the next run takes the cycle,
 *   still in the notice index until step 5) and `noticeStep` resumes it: a
 *   notice recorded SENDING by a dead worker is sent again (send-once).
 * - One item failing (another worker at the same notice, a write that lost a
 *   race, a provider error) fails alone: the others go on.
 */
import type { Clock } from '../../core/clock.ts';
import { seoulDate, seoulTimestamp, type IsoDate } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import type { CreditsRepository } from '../../adapters/dynamodb/credits.repo.ts';
import type { CyclesRepository } from '../../adapters/dynamodb/cycles.repo.ts';
import type { NotificationsRepository } from '../../adapters/dynamodb/notifications.repo.ts';
import type { PriceConsentsRepository } from '../../adapters/dynamodb/price-consents.repo.ts';
import type { ProductsRepository } from '../../adapters/dynamodb/products.repo.ts';
import type { SettingsRepository } from '../../adapters/dynamodb/settings.repo.ts';
import type { ShopsRepository } from '../../adapters/dynamodb/shops.repo.ts';
import type { SubscriptionsRepository } from '../../adapters/dynamodb/subscriptions.repo.ts';
import type { EventPublisher, Mailer, SmsSender } from '../../adapters/messaging/ports.ts';
import { noticeStep, type Cycle, type CycleNotice, type CycleRef, type Transition } from '../../domain/cycle.ts';
import { defaultNotificationSettings, type NotificationSettings } from '../../domain/notification-settings.ts';
import type { Product } from '../../domain/product.ts';
import type { Subscription } from '../../domain/subscription.ts';
import { DEFAULT_DELIVERY_CALENDAR, type DeliveryCalendar } from '../../domain/delivery-calendar.ts';
import { warnOfCardExpiry } from './card-expiry-warning.ts';
import { lateLedgerLine, messageBlock, paySms, reserveMessageBlock, smsOperationId, type SmsDebit } from './notice-credits.ts';
import { bindsSms, endStale, lockOrResume, moveLate, noticed, send, settle, settling, type Lock } from './notice-steps.ts';
import { publishCycleEvents } from '../cycle-events.ts';

export { SENDING_LEASE_MS } from './notice-steps.ts';
import { alertOperatorOnce } from './operator-alerts.ts';
import { settleEach, type ItemResult, type Work, type WorkReport } from './work.ts';

export interface NoticeDeps {
  readonly clock: Clock;
  readonly cycles: CyclesRepository;
  readonly subscriptions: Pick<SubscriptionsRepository, 'get' | 'update'>;
  readonly shops: Pick<ShopsRepository, 'get' | 'countActiveSubscriptions'>;
  readonly settings: Pick<SettingsRepository, 'getNotificationSettings'>;
  readonly products: Pick<ProductsRepository, 'get'>;
  /** Issue 14: the subscriber's answers to price increases (read only when an increase applies to the cycle). */
  readonly priceConsents: Pick<PriceConsentsRepository, 'consentsOf'>;
  readonly credits: CreditsRepository;
  readonly notifications: NotificationsRepository;
  readonly mailer: Mailer;
  readonly sms: SmsSender;
  /** The cycle events (noticed, skipped; functions/use-cases/cycle-events.ts). */
  readonly events: EventPublisher;
}

/** Why an item needed no notice. */
export type SkipReason =
  | 'not-found' // no such cycle
  | 'already-noticed' // noticed (or charged…) already: a redelivery, a duplicate
  | 'behind' // the subscription's current cycle is not done yet (e.g. in review): the next notice waits
  | 'service-not-active' // the shop's service is stopping or stopped (its cascade cancels the subscription)
  | 'withdrawn' // the plan no longer held (cancelled, moved on, never checked out): deleted
  | 'not-active' // announced, then the subscription ended (S19): skipped
  | 'nothing-to-charge' // no announced product is left in the catalogue: SKIPPED, the subscription moved on
  | 'completed' // issue 14: every line used its product's maxDeliveries up: COMPLETED, the plan withdrawn
  | 'price-increase-refused'; // issue 14: no consent to an increase, policy end-subscription: ended before this cycle

/** What became of one channel of the notice. */
export type ChannelOutcome = 'sent' | 'already-sent' | 'no-credit' | 'off' | 'no-address';

/** One item's outcome, for logs, metrics and tests. */
export type NoticeOutcome =
  | { readonly status: 'skipped'; readonly reason: SkipReason }
  | { readonly status: 'noticed'; readonly deliveryDate: IsoDate; readonly amount: number; readonly mail: ChannelOutcome; readonly sms: ChannelOutcome; readonly movedFrom?: IsoDate };

/** Items of one message worked on side by side (their writes, and their mails and SMS). */
export const NOTICE_ITEMS_IN_PARALLEL = 10;

/** One item on its way through the message. */
export interface NoticeItem {
  ref: CycleRef;
  cycle: Cycle | undefined;
  subscription: Subscription | undefined;
  outcome?: NoticeOutcome;
  error?: unknown;
  /** Locked or resumed: what to send now. */
  lock?: Lock;
  /** Sent: every channel's outcome, for the settle. */
  sent?: CycleNotice;
  /** The settle as the domain decided it (NOTICING → NOTICED), written once its event is out. */
  settle?: Transition;
  movedFrom?: IsoDate;
  /** Issue 14: the following delivery was planned beyond the holiday data (the operator is told). */
  holidaysUnchecked?: IsoDate;
}

/** Context shared by the items of one message. */
export interface NoticeContext {
  readonly deps: NoticeDeps;
  readonly now: Date;
  readonly at: string;
  /** The day the notices go out (the late-notice rule's "today"). */
  readonly day: IsoDate;
  readonly settings: NotificationSettings;
  readonly blockId: string;
  readonly shopName: string;
  /** Issue 14: the shop's delivery calendar, which plans each following delivery. */
  readonly calendar: DeliveryCalendar;
}

/** Runs `work` on the items still under way (no outcome, no error yet), each on its own. */
async function phase(items: readonly NoticeItem[], work: (item: NoticeItem) => Promise<void>): Promise<void> {
  const results = await settleEach(
    items.filter((item) => item.outcome === undefined && item.error === undefined),
    NOTICE_ITEMS_IN_PARALLEL,
    work,
  );
  for (const result of results) if (result.failed) result.entry.error = result.error;
}

/** Processes one message of the notice run: see the module comment. */
export async function noticeWork(deps: NoticeDeps, work: Work): Promise<WorkReport<NoticeOutcome>> {
  const now = deps.clock.now();
  // 1. Everything at once: with the worker's batching client, one BatchGetItem.
  const [shop, stored, block, ...loaded] = await Promise.all([
    deps.shops.get(work.shopId),
    deps.settings.getNotificationSettings(work.shopId),
    messageBlock(deps, work),
    ...work.items.map(async (ref): Promise<NoticeItem> => {
      const [cycle, subscription] = await Promise.all([deps.cycles.get(ref), deps.subscriptions.get(ref.subscriptionId)]);
      return { ref, cycle, subscription };
    }),
  ]);
  const items = loaded as NoticeItem[];
  const settings = stored ?? defaultNotificationSettings(shop?.operatorEmail ?? '');
  const ctx: NoticeContext = { deps, now, at: seoulTimestamp(now), day: seoulDate(now), settings, blockId: block.blockId, shopName: shop?.name ?? work.shopId, calendar: shop?.deliveryCalendar ?? DEFAULT_DELIVERY_CALENDAR };
  const serviceActive = shop?.service.status === 'ACTIVE';
  const stepOf = (item: NoticeItem) => noticeStep(item.cycle, item.subscription, serviceActive, ctx.day, ctx.calendar);
  // S12: the block reserved beside what follows, for every SMS a lock (or a resend bound to it) will bind to it.
  const reservation = reserveMessageBlock(deps, block, items.filter((item) => bindsSms(ctx, item, stepOf(item).step)).length);

  // Late notices move first (rare): the moved cycle is then noticed like any other.
  await phase(items.filter((item) => stepOf(item).step === 'move'), (item) => moveLate(ctx, item, (stepOf(item) as { to: IsoDate }).to));
  const late: ReadonlyArray<{ subscriptionId: string; from: IsoDate; to: IsoDate }> = items.flatMap((item) => (item.movedFrom && item.error === undefined ? [{ subscriptionId: item.ref.subscriptionId, from: item.movedFrom, to: item.ref.deliveryDate }] : []));
  const repaired: ReturnType<typeof lateLedgerLine>[] = [];
  for (const item of items) {
    const step = stepOf(item);
    if (step.step === 'none') item.outcome = { status: 'skipped', reason: step.why };
    // A notice a dead delivery settled but did not write the ledger line of: written with this message's lines.
    if (step.step === 'none' && item.cycle?.notice?.sms.state === 'SENT') repaired.push(lateLedgerLine(item.ref, item.cycle.notice.sms.at));
  }
  await phase(items.filter((item) => ['withdraw', 'skip'].includes(stepOf(item).step)), async (item) => {
    item.outcome = await endStale(ctx, item, stepOf(item).step === 'skip');
  });

  // 2. Lock or resume, with the products as of today (S18).
  const products = await productsOf(deps, work.shopId, items);
  await phase(items, async (item) => {
    const result = await lockOrResume(ctx, item, products, stepOf(item).step === 'resume');
    if ('outcome' in result) item.outcome = result.outcome;
    else item.lock = result;
  });

  // 3. S12: the message's SMS credits, with one write; the ledger lines and the block's release go on beside the sends.
  const locked = items.filter((item) => item.lock && item.error === undefined);
  const debits: SmsDebit[] = locked.filter((item) => item.lock!.sendSms).map((item) => ({ ref: item.ref, block: item.lock!.cycle.notice!.smsBlock ?? block.blockId, at: item.lock!.cycle.notice!.sms.at }));
  const credits = await paySms(deps, block, debits, reservation);
  const finishing = credits.finish(repaired);
  finishing.catch(() => undefined); // awaited in step 6

  // 4. Send; issue 14: an expiring card warned once, before the notice's own sends.
  await phase(locked, async (item) => {
    await warnOfCardExpiry(ctx, item);
    item.sent = await send(ctx, item, products, credits.paid.has(smsOperationId(item.ref)));
  });

  // 5. Settle: the message's noticed events first, together — before the writes, so a crash in between leaves each
  // cycle NOTICING and its resume publishes again under the same id — then each cycle. A refused event fails its item.
  const sent = locked.filter((item) => item.sent && item.error === undefined);
  const announced = sent.flatMap((item) => {
    const result = (item.settle = settling(item.lock!.cycle, item.sent!));
    return result.ok ? [{ item, cycle: result.next }] : [];
  });
  const published = await publishCycleEvents(deps, announced.map(({ cycle }) => cycle));
  published.forEach((result, i) => {
    if (result.status === 'rejected') announced[i]!.item.error = result.reason;
  });
  await phase(sent, async (item) => {
    await settle(ctx, item.settle!);
    item.outcome = noticed(item);
  });

  // 6. The ledger lines written and the block back (begun in step 3); the operator told.
  await finishing;
  // (Also for a notice a dead delivery settled before it could tell the operator.)
  const dry = items.some((item) => (item.outcome?.status === 'noticed' && item.outcome.sms === 'no-credit') || (item.outcome?.status === 'skipped' && item.cycle?.notice?.sms.state === 'NO_CREDIT'));
  if (shop && dry) await alertOperatorOnce(deps, shop, settings, ctx.day, { kind: 'sms-credits-exhausted' });
  if (shop && late.length > 0) await alertOperatorOnce(deps, shop, settings, ctx.day, { kind: 'late-notice', moved: late });
  const unchecked = items.flatMap((item) => (item.holidaysUnchecked && item.error === undefined ? [{ subscriptionId: item.ref.subscriptionId, date: item.holidaysUnchecked }] : []));
  if (shop && unchecked.length > 0) await alertOperatorOnce(deps, shop, settings, ctx.day, { kind: 'holiday-data-unavailable', unchecked });

  const results = items.map((item): ItemResult<NoticeOutcome> => (item.error !== undefined || !item.outcome ? { ref: item.ref, error: item.error ?? new Error('No outcome') } : { ref: item.ref, outcome: item.outcome }));
  for (const result of results) {
    if ('error' in result) logger.warn('Payment notice failed; the item is retried on its own', { ...result.ref, error: result.error as Error });
    else logger.debug('Payment notice', { ...result.ref, ...result.outcome });
  }
  return { results };
}

/** The products of every item's ACTIVE lines (a locked cycle's lines for a resume), read together. */
async function productsOf(deps: NoticeDeps, shopId: string, items: readonly NoticeItem[]): Promise<Map<string, Product>> {
  const ids = new Set(items.filter((item) => item.outcome === undefined && item.error === undefined).flatMap((item) => [...(item.subscription?.items ?? []).map((line) => line.productId), ...(item.cycle?.items ?? []).map((line) => line.productId)]));
  const found = await Promise.all([...ids].map(async (id) => [id, await deps.products.get(shopId, id)] as const));
  return new Map(found.flatMap(([id, product]) => (product ? [[id, product] as const] : [])));
}

/** One item on its own (tests, a single invocation): a message of one. */
export async function processNotice(deps: NoticeDeps, item: Omit<Work, 'items' | 'kind'> & { readonly ref: CycleRef }): Promise<NoticeOutcome> {
  const { results } = await noticeWork(deps, { kind: 'NOTICE', date: item.date, scheduledTime: item.scheduledTime, shopId: item.shopId, messageId: item.messageId, items: [item.ref] });
  const [result] = results;
  if (!result) throw new Error('No result');
  if ('error' in result) throw result.error;
  return result.outcome;
}

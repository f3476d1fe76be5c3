/**
 * The D-2 payment notice of one subscription (S11, S12, S17, S18): what the
 * notice worker does with each due-index hit of the notice run.
 *
 * Primary course (each step idempotent; docs/data-model.md, "State changes
 * without transactions"):
 * 1. Re-read the subscription (strongly consistent: the due index is
 *    eventually consistent, the item is the truth). Go on only if it is ACTIVE,
 *    due on the run's date and not noticed yet, and its shop's service is ACTIVE.
 * 2. Lock the cycle (S18): the ACTIVE items at the products' current prices,
 *    written once with attribute_not_exists. A rerun uses the stored cycle and
 *    never recomputes a locked amount.
 * 3. Send the notice per the shop's settings (S11): mail, and SMS paid with one
 *    SMS credit (S12). Each send is guarded by its notification-log item.
 * 4. Mark the subscription noticed (conditional on its version): it leaves the
 *    due NOTICE index.
 *
 * Alternate courses:
 * - No SMS credit left (S12): no SMS, the SMS's log item is NO_CREDIT, and the
 *   operator gets one "SMS credits exhausted" mail per shop and day. The mail
 *   notice still goes out; the SMS is not sent later.
 * - A product no longer in the catalogue is left out of the cycle (and the
 *   amount). If none is left, the cycle is written SKIPPED (amount 0, no
 *   lines) and nothing is sent; since a SKIPPED cycle is never in the CHARGE
 *   index, no charge run would move the subscription on, so step 4 advances it
 *   to its next delivery instead (back into the NOTICE index for that date).
 * - A crash anywhere: the SQS message comes back after its visibility timeout
 *   and runs again (the notice run fires once a day, so redelivery — not the
 *   next run — is what repairs). Step 1 still finds the subscription not
 *   noticed (step 4 is last), step 2 finds the cycle, step 3 finds each notice's
 *   log item: SENT → skipped; SENDING from a dead attempt → sent again. That
 *   window — between the provider accepting the message and its SENT being
 *   recorded — is the one place a notice can go out twice; it is the price of
 *   never losing one. The SMS credit is debited once per (subscription,
 *   delivery) whatever happens (a deterministic operation id).
 * - Two workers on the same item at once (a duplicate delivery): one creates
 *   the cycle, one takes each notice; the other waits for that notice's
 *   outcome, and if it does not come within a few seconds fails its message so
 *   that SQS retries it after the other worker has finished or died.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { FUNCTIONS } from '../../../system/functions.ts';
import type { Clock } from '../../core/clock.ts';
import { addDays, seoulTimestamp, type IsoDate } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import type { CreditsRepository } from '../../adapters/dynamodb/credits.repo.ts';
import { subscriptionIdFromKey } from '../../adapters/dynamodb/keys.ts';
import type { NotificationRef, NotificationsRepository } from '../../adapters/dynamodb/notifications.repo.ts';
import type { ProductsRepository } from '../../adapters/dynamodb/products.repo.ts';
import type { SettingsRepository } from '../../adapters/dynamodb/settings.repo.ts';
import type { ShopsRepository } from '../../adapters/dynamodb/shops.repo.ts';
import type { SubscriptionsRepository } from '../../adapters/dynamodb/subscriptions.repo.ts';
import type { Mailer, SmsSender } from '../../adapters/messaging/ports.ts';
import { BLOCK_ID_PATTERN, debitOperationId, MAX_BLOCK_SIZE, type SpendOutcome } from '../../domain/credits.ts';
import { defaultNotificationSettings, type NotificationSettings } from '../../domain/notification-settings.ts';
import type { Product } from '../../domain/product.ts';
import type { Shop } from '../../domain/shop.ts';
import { nextDeliveryDate } from '../../domain/delivery-schedule.ts';
import { scheduleFor, type Cycle, type CycleLine, type Subscription } from '../../domain/subscription.ts';
import { paymentNoticeMail, paymentNoticeSms, smsCreditsExhaustedMail, type PaymentNoticeContent } from '../../notifications/payment-notice.ts';
import type { ReceivedWorkMessage, WorkItem } from '../../queue/sqs-worker.ts';
import { debitOne, openCreditBlock, type CreditBlockSession } from '../credit-blocks.ts';

export interface NoticeDeps {
  readonly clock: Clock;
  readonly shops: ShopsRepository;
  readonly settings: SettingsRepository;
  readonly products: ProductsRepository;
  readonly subscriptions: SubscriptionsRepository;
  readonly credits: CreditsRepository;
  readonly notifications: NotificationsRepository;
  readonly mailer: Mailer;
  readonly sms: SmsSender;
}

/** Why an item needed no notice. */
export type SkipReason =
  | 'not-a-notice' // the work item is not a subscription key of the NOTICE run
  | 'not-found'
  | 'not-active' // pending or cancelled
  | 'not-due' // its notice date is not the run's date (the index lagged behind the item)
  | 'already-noticed'
  | 'service-not-active' // the shop's service is stopping or stopped (its cascade cancels the subscription)
  | 'nothing-to-charge' // the cycle is SKIPPED: no announced product is left in the catalogue (or the buyer cancelled them all, S19)
  | 'cycle-closed'; // the cycle is already past its notice (a charge run took it up: charging, charged, failed…)

/** What became of one channel of the notice. */
export type ChannelOutcome = 'sent' | 'already-sent' | 'no-credit' | 'off' | 'no-address';

/** A small summary for logs and the bench. */
export type NoticeOutcome =
  | { readonly status: 'skipped'; readonly reason: SkipReason }
  | { readonly status: 'noticed'; readonly deliveryDate: IsoDate; readonly amount: number; readonly mail: ChannelOutcome; readonly sms: ChannelOutcome };

/**
 * What lives as long as one work message: the SMS credit blocks of the shops it touches (S12) and the reads
 * that do not change within it (shop, settings, products). `processNotice` without a scope uses one of its own.
 */
export interface NoticeScope {
  /** Debits one SMS credit for one notice: 'debited' at most once per operation id, whatever the retries. */
  debitSms(shopId: string, subscriptionId: string, operationId: string): Promise<SpendOutcome>;
  /** Loads once per scope (a failed load is not remembered). */
  remember<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** Returns what the scope's credit blocks did not spend. Never throws: an unreleased block is swept later. */
  close(): Promise<void>;
}

/** A notice that another worker is sending right now did not settle in time; the message is retried later. */
export class NotificationInFlight extends Error {
  constructor(readonly ref: NotificationRef) {
    super(`Notification ${JSON.stringify(ref)} is being sent by another worker; retry later`);
    this.name = 'NotificationInFlight';
  }
}

/**
 * A SENDING attempt older than this belongs to a dead worker: no worker lives longer than the notice worker's
 * timeout. SQS redelivers a message only after its visibility timeout (6× longer), so a redelivery always finds
 * its own crashed attempt stale.
 */
export const SENDING_LEASE_MS = FUNCTIONS.noticeWorker.timeoutSeconds * 1000;
/** How long a worker waits for another worker's attempt at the same notice before leaving it to a retry. */
export const IN_FLIGHT_WAIT_MS = 5_000;
/** Redeliveries of one message that each closed their block; beyond it the message gives up (and lands in the DLQ). */
const MAX_BLOCK_GENERATIONS = 20;
const MAX_MARK_ATTEMPTS = 5;

const memo = () => {
  const loaded = new Map<string, Promise<unknown>>();
  return <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let value = loaded.get(key) as Promise<T> | undefined;
    if (!value) {
      value = load();
      loaded.set(key, value);
      value.catch(() => loaded.delete(key));
    }
    return value;
  };
};

/** One item on its own (tests, a single invocation): each SMS credit through a block of one (`debitOne`). */
export function singleItemScope(deps: Pick<NoticeDeps, 'credits' | 'clock'>): NoticeScope {
  return {
    debitSms: (shopId, subscriptionId, operationId) => debitOne(deps, { shopId, kind: 'sms', operationId, reason: 'payment-notice', subscriptionId }),
    remember: memo(),
    close: async () => undefined,
  };
}

/**
 * The scope of one SQS work message (S12). Each shop the message touches gets one SMS credit block, opened
 * lazily at its first SMS and released when the message ends. The block id is derived from the message id and
 * date, so a redelivery of a message whose worker died finds the block still ACTIVE and goes on spending from
 * it; a block an earlier delivery closed is settled and the next generation (`…:1`, `…:2`) is used.
 *
 * A block is sized to what the message may need from that shop: the message's subscriptions of that shop still
 * due for their notice (read once, at the message's first SMS). Sized to the whole message instead, blocks of
 * concurrent messages would hold a low balance between them and refuse SMS that the shop has credits for.
 * When a block runs dry anyway, the notice falls back to a block of one taken from the balance (credits other
 * blocks returned since, or a dead worker's, swept first); only when that fails too is the shop out of credits
 * for the rest of the message.
 */
export function openNoticeScope(deps: Pick<NoticeDeps, 'credits' | 'clock' | 'subscriptions'>, message: Pick<ReceivedWorkMessage, 'messageId' | 'date' | 'keys'>): NoticeScope {
  const blocks = new Map<string, Promise<CreditBlockSession>>();
  const dry = new Set<string>();
  const remember = memo();
  /** Notices still due in this message, per shop: an upper bound of the SMS credits each shop's block needs. */
  const dueByShop = () =>
    remember('due-by-shop', async () => {
      const subscriptions = await Promise.all(message.keys.map((key) => subscriptionIdFromKey(key)).map((id) => (id === undefined ? undefined : deps.subscriptions.get(id))));
      const counts = new Map<string, number>();
      for (const subscription of subscriptions) {
        if (subscription && !('reason' in dueForNotice(subscription, message.date))) counts.set(subscription.shopId, (counts.get(subscription.shopId) ?? 0) + 1);
      }
      return counts;
    });
  const messagePart = /^[A-Za-z0-9_.:-]{1,100}$/.test(message.messageId) ? message.messageId : Buffer.from(message.messageId).toString('base64url').slice(0, 100);
  const blockIdOf = (generation: number) => `notice:${message.date}:${messagePart}:${generation}`;

  const openBlock = async (shopId: string): Promise<CreditBlockSession> => {
    for (let generation = 0; generation < MAX_BLOCK_GENERATIONS; generation += 1) {
      const ref = { shopId, kind: 'sms' as const, blockId: blockIdOf(generation) };
      if (!BLOCK_ID_PATTERN.test(ref.blockId)) throw new Error(`Block id ${ref.blockId} is not valid`);
      const existing = await deps.credits.block(ref);
      if (!existing || existing.state === 'RESERVING' || existing.state === 'ACTIVE') {
        const want = Math.min(Math.max((await dueByShop()).get(shopId) ?? 1, 1), MAX_BLOCK_SIZE);
        return openCreditBlock(deps, { ...ref, want });
      }
      // An earlier delivery closed it: settle its refund if that was cut short, and take the next generation.
      await deps.credits.releaseBlock(ref, deps.clock.now());
    }
    throw new Error(`Message ${message.messageId} closed ${MAX_BLOCK_GENERATIONS} credit blocks already`);
  };

  return {
    async debitSms(shopId, subscriptionId, operationId) {
      // A shop found dry earlier in this message: only a debit made by an earlier delivery still stands.
      if (dry.has(shopId)) return (await deps.credits.entry(shopId, operationId))?.applied ? 'debited' : 'insufficient';
      const details = { reason: 'payment-notice' as const, subscriptionId };
      let session = blocks.get(shopId);
      if (!session) {
        session = openBlock(shopId);
        blocks.set(shopId, session);
        session.catch(() => blocks.delete(shopId));
      }
      const block = await session;
      // An EMPTY block (the shop had nothing when it was reserved) can never debit: straight to the fallback.
      if (block.block.state !== 'EMPTY' && (await block.debit(operationId, details)) === 'debited') return 'debited';
      // The block is used up, or the shop had nothing when it was reserved. Others' blocks may have returned
      // credits since, or a dead worker's block may hold some: sweep those, then try a block of one.
      await remember(`swept:${shopId}`, () => deps.credits.releaseAbandonedBlocks(shopId, 'sms', deps.clock.now()));
      const outcome = await debitOne(deps, { shopId, kind: 'sms', operationId, ...details });
      if (outcome === 'insufficient') dry.add(shopId);
      return outcome;
    },
    remember,
    async close() {
      const results = await Promise.allSettled([...blocks.values()].map(async (session) => (await session).release()));
      for (const result of results) {
        if (result.status === 'rejected') logger.warn('Credit block not released; the abandoned-block sweep will', { messageId: message.messageId, error: result.reason as Error });
      }
    },
  };
}

/** The subscription, if this run must notice it now; otherwise why not. */
function dueForNotice(
  subscription: Subscription | undefined,
  date: IsoDate,
): { readonly reason: SkipReason } | { readonly subscription: Subscription; readonly deliveryDate: IsoDate; readonly noticeDate: IsoDate; readonly chargeDate: IsoDate } {
  if (!subscription) return { reason: 'not-found' };
  if (subscription.status !== 'ACTIVE') return { reason: 'not-active' };
  const { nextDeliveryDate, nextNoticeDate, nextChargeDate } = subscription;
  if (nextNoticeDate !== date || nextDeliveryDate === null || nextChargeDate === null) return { reason: 'not-due' };
  if (subscription.noticedDeliveryDate === nextDeliveryDate) return { reason: 'already-noticed' };
  return { subscription, deliveryDate: nextDeliveryDate, noticeDate: nextNoticeDate, chargeDate: nextChargeDate };
}

/**
 * Processes one work item of the notice run: see the module comment for the course of events.
 * `scope` is the work message's (credit blocks, cached reads); without one the item runs on its own.
 */
export async function processNotice(deps: NoticeDeps, item: WorkItem, scope: NoticeScope = singleItemScope(deps)): Promise<NoticeOutcome> {
  const subscriptionId = subscriptionIdFromKey(item.key);
  if (item.kind !== 'NOTICE' || subscriptionId === undefined) {
    logger.warn('Not a notice work item; ignored', { key: item.key, kind: item.kind });
    return { status: 'skipped', reason: 'not-a-notice' };
  }

  // 1. The item is the truth, not the index.
  const due = dueForNotice(await deps.subscriptions.get(subscriptionId), item.date);
  if ('reason' in due) return { status: 'skipped', reason: due.reason };
  const { subscription, deliveryDate } = due;
  const shop = await scope.remember(`shop:${subscription.shopId}`, () => deps.shops.get(subscription.shopId));
  if (!shop || shop.service.status !== 'ACTIVE') return { status: 'skipped', reason: 'service-not-active' };

  // 2. S18: the amount is fixed now, once.
  const cycle = await lockCycle(deps, scope, due);

  let outcome: NoticeOutcome = { status: 'skipped', reason: cycle.status === 'SKIPPED' ? 'nothing-to-charge' : 'cycle-closed' };
  if (cycle.status === 'NOTICED') {
    // 3. S11, S12, S17.
    const settings = await scope.remember(`settings:${shop.shopId}`, async () => (await deps.settings.getNotificationSettings(shop.shopId)) ?? defaultNotificationSettings(shop.operatorEmail));
    const names = await productsById(deps, scope, shop.shopId, cycle.items.map((line) => line.productId));
    const content: PaymentNoticeContent = {
      shopName: shop.name,
      deliveryDate: cycle.deliveryDate,
      chargeDate: cycle.chargeDate,
      amount: cycle.amount,
      lines: cycle.items.map((line) => ({ name: names.get(line.productId)?.name ?? line.productId, quantity: line.quantity, unitPrice: line.unitPrice })),
      paymentMethod: subscription.paymentMethod,
      card: subscription.card,
    };
    const mail = await noticeByMail(deps, subscription, deliveryDate, settings, content);
    const sms = await noticeBySms(deps, scope, subscription, deliveryDate, settings, content);
    if (sms === 'no-credit') await alertOperatorOnce(deps, scope, shop, settings, item.date);
    outcome = { status: 'noticed', deliveryDate, amount: cycle.amount, mail, sms };
  }

  // 4. Out of the NOTICE index (or, with nothing to charge, on to the next delivery). Last, so that a crash
  // before it is repaired by the redelivery.
  if (cycle.status === 'SKIPPED') await advancePastSkipped(deps, subscription, deliveryDate, item.date);
  else await markNoticed(deps, subscription, deliveryDate);
  logger.debug('Payment notice', { subscriptionId, ...outcome });
  return outcome;
}

async function productsById(deps: Pick<NoticeDeps, 'products'>, scope: NoticeScope, shopId: string, productIds: readonly string[]): Promise<Map<string, Product>> {
  const found = await Promise.all([...new Set(productIds)].map(async (productId) => [productId, await scope.remember(`product:${shopId}:${productId}`, () => deps.products.get(shopId, productId))] as const));
  return new Map(found.flatMap(([productId, product]) => (product ? [[productId, product] as const] : [])));
}

/** S18: the cycle as announced — the stored one if it exists, else the ACTIVE items at today's prices, written once. */
async function lockCycle(
  deps: Pick<NoticeDeps, 'products' | 'subscriptions'>,
  scope: NoticeScope,
  due: { readonly subscription: Subscription; readonly deliveryDate: IsoDate; readonly noticeDate: IsoDate; readonly chargeDate: IsoDate },
): Promise<Cycle> {
  const { subscription, deliveryDate, noticeDate, chargeDate } = due;
  const active = subscription.items.filter((line) => line.status === 'ACTIVE');
  const products = await productsById(deps, scope, subscription.shopId, active.map((line) => line.productId));
  // A product gone from the catalogue cannot be sold: it is left out of the cycle (and the amount).
  const lines: CycleLine[] = active.flatMap((line) => {
    const product = products.get(line.productId);
    return product ? [{ productId: line.productId, quantity: line.quantity, unitPrice: product.price }] : [];
  });
  const draft: Cycle = {
    subscriptionId: subscription.id,
    deliveryDate,
    noticeDate,
    chargeDate,
    status: lines.length > 0 ? 'NOTICED' : 'SKIPPED',
    amount: lines.reduce((sum, line) => sum + line.unitPrice * line.quantity, 0),
    items: lines,
  };
  if (await deps.subscriptions.putCycle(draft)) return draft;
  return storedCycle(deps, subscription.id, deliveryDate);
}

/** The cycle an earlier or concurrent attempt locked (strongly consistent: it was just refused as existing). */
async function storedCycle(deps: Pick<NoticeDeps, 'subscriptions'>, subscriptionId: string, deliveryDate: IsoDate): Promise<Cycle> {
  const found = await deps.subscriptions.getCycle(subscriptionId, deliveryDate);
  // Cycles are never deleted: a refused create followed by no item is a bug, not a race.
  if (!found) throw new Error(`Cycle ${subscriptionId}/${deliveryDate} exists but could not be read`);
  return found;
}

async function noticeByMail(
  deps: NoticeDeps,
  subscription: Subscription,
  deliveryDate: IsoDate,
  settings: NotificationSettings,
  content: PaymentNoticeContent,
): Promise<ChannelOutcome> {
  if (!settings.paymentNotice.mail) return 'off';
  const to = subscription.contact?.email;
  if (!to) return 'no-address';
  const ref: NotificationRef = { to: 'customer', subscriptionId: subscription.id, deliveryDate, kind: 'payment-notice', channel: 'mail' };
  return sendOnce(deps, ref, { send: () => deps.mailer.send({ to, ...paymentNoticeMail(content), kind: 'payment-notice' }) });
}

async function noticeBySms(
  deps: NoticeDeps,
  scope: NoticeScope,
  subscription: Subscription,
  deliveryDate: IsoDate,
  settings: NotificationSettings,
  content: PaymentNoticeContent,
): Promise<ChannelOutcome> {
  if (!settings.paymentNotice.sms) return 'off';
  const to = subscription.contact?.phone;
  if (!to) return 'no-address';
  const ref: NotificationRef = { to: 'customer', subscriptionId: subscription.id, deliveryDate, kind: 'payment-notice', channel: 'sms' };
  // S12: one SMS credit per (subscription, delivery), whatever the retries.
  const operationId = debitOperationId('payment-notice', subscription.id, deliveryDate, 'sms');
  return sendOnce(deps, ref, {
    pay: () => scope.debitSms(subscription.shopId, subscription.id, operationId),
    send: () => deps.sms.send({ to, text: paymentNoticeSms(content), kind: 'payment-notice' }),
  });
}

/** S12: the operator hears once a day that SMS could not be sent, however many were refused. */
async function alertOperatorOnce(deps: NoticeDeps, scope: NoticeScope, shop: Shop, settings: NotificationSettings, date: IsoDate): Promise<void> {
  await scope.remember(`alerted:${shop.shopId}`, async () => {
    logger.warn('SMS credits exhausted: payment-notice SMS not sent', { shopId: shop.shopId, date });
    const ref: NotificationRef = { to: 'operator', shopId: shop.shopId, date, kind: 'sms-credits-exhausted' };
    // Read before the conditional write: on a dry morning every refused SMS of the shop gets here, and a
    // failed conditional write costs a write on one hot item, a read far less.
    if ((await deps.notifications.get(ref))?.state === 'SENT') return true;
    await sendOnce(deps, ref, { send: () => deps.mailer.send({ to: settings.operatorEmail, ...smsCreditsExhaustedMail({ shopName: shop.name, date }), kind: 'sms-credits-exhausted' }) });
    return true;
  });
}

export type SendOutcome = 'sent' | 'already-sent' | 'no-credit';

/**
 * Sends one message at most once in the normal case, guarded by its notification-log item (docs/data-model.md,
 * "Record intent before the side effect, outcome after it"):
 * - no item → write SENDING (attribute_not_exists), pay if needed, send, record SENT with the provider's id;
 * - SENT → nothing;
 * - SENDING, fresh → another worker is at it: wait for its outcome, then leave it to a retry of the message;
 * - SENDING, older than a worker can live → that worker died after writing it, maybe after the provider took
 *   the message: send again (the bounded at-least-once edge: never lose a notice);
 * - NO_CREDIT → try again (credits may have come since).
 * `pay` runs under the attempt: a refusal records NO_CREDIT and nothing is sent.
 */
export async function sendOnce(
  deps: Pick<NoticeDeps, 'notifications' | 'clock'>,
  ref: NotificationRef,
  message: { readonly pay?: () => Promise<SpendOutcome>; readonly send: () => Promise<{ readonly messageId: string }> },
): Promise<SendOutcome> {
  const giveUpAt = Date.now() + IN_FLIGHT_WAIT_MS;
  for (let round = 0, pause = 20; ; round += 1, pause = Math.min(pause * 2, 500)) {
    const now = deps.clock.now();
    let mine = round === 0 && (await deps.notifications.begin(ref, now));
    if (!mine) {
      const current = await deps.notifications.get(ref);
      if (current?.state === 'SENT') return 'already-sent';
      const inFlight = current?.state === 'SENDING' && Date.parse(current.attemptAt) > now.getTime() - SENDING_LEASE_MS;
      // (No item at all cannot happen after a refused `begin`, log items are never deleted; begin again then.)
      if (!current) mine = await deps.notifications.begin(ref, now);
      else if (!inFlight) mine = await deps.notifications.retry(ref, current, now);
      if (!mine) {
        // Another worker holds (or just took) the attempt: wait for its outcome.
        if (Date.now() + pause > giveUpAt) throw new NotificationInFlight(ref);
        await sleep(pause);
        continue;
      }
    }
    if (message.pay && (await message.pay()) === 'insufficient') {
      await deps.notifications.settle(ref, { state: 'NO_CREDIT' }, deps.clock.now());
      return 'no-credit';
    }
    const { messageId } = await message.send();
    await deps.notifications.settle(ref, { state: 'SENT', messageId }, deps.clock.now());
    return 'sent';
  }
}

/** Step 4: `noticedDeliveryDate` takes the subscription out of the NOTICE index. A racing write (a buyer's cancel) → re-read, decide again. */
async function markNoticed(deps: Pick<NoticeDeps, 'subscriptions' | 'clock'>, read: Subscription, deliveryDate: IsoDate): Promise<void> {
  let current = read;
  for (let attempt = 0; attempt < MAX_MARK_ATTEMPTS; attempt += 1) {
    const next: Subscription = { ...current, noticedDeliveryDate: deliveryDate, updatedAt: seoulTimestamp(deps.clock.now()) };
    if (await deps.subscriptions.update(next, current.version ?? 0)) return;
    const fresh = await deps.subscriptions.get(current.id);
    // Cancelled, moved on, or marked by a concurrent worker: nothing left to mark.
    if (!fresh || fresh.status !== 'ACTIVE' || fresh.nextDeliveryDate !== deliveryDate || fresh.noticedDeliveryDate === deliveryDate) return;
    current = fresh;
  }
  throw new Error(`Subscription ${read.id} kept changing while being marked noticed`);
}

/**
 * A SKIPPED cycle has nothing to charge, and no charge run will look at it: the subscription moves on to its
 * next delivery here (as the charge run's advance would), noticedDeliveryDate cleared, so that the NOTICE index
 * holds it under the next notice date. A rerun or a racing change (cancel, an advance elsewhere) finds it moved
 * and does nothing.
 */
async function advancePastSkipped(deps: Pick<NoticeDeps, 'subscriptions' | 'clock'>, read: Subscription, deliveryDate: IsoDate, runDate: IsoDate): Promise<void> {
  let current: Subscription | undefined = read;
  for (let attempt = 0; attempt < MAX_MARK_ATTEMPTS; attempt += 1) {
    if (!current || current.status !== 'ACTIVE' || current.nextDeliveryDate !== deliveryDate) return;
    let next = nextDeliveryDate(current.cycle, current.startDate, deliveryDate);
    // A notice date on or before this run's would never be noticed: go on to the first one ahead.
    while (addDays(next, -2) <= runDate) next = nextDeliveryDate(current.cycle, current.startDate, next);
    const { noticedDeliveryDate: _noticed, ...rest } = current;
    if (await deps.subscriptions.update({ ...rest, ...scheduleFor(next), updatedAt: seoulTimestamp(deps.clock.now()) }, current.version ?? 0)) return;
    current = await deps.subscriptions.get(read.id);
  }
  throw new Error(`Subscription ${read.id} kept changing while being moved past a skipped delivery`);
}

/**
 * The stop cascade (S21–S24), run by the stop worker one bounded step at a time.
 *
 * Primary course: a trigger (POST /admin/service/stop, a PG change or unlink on
 * an ACTIVE service, KakaoPay switched off) writes the shop item once —
 * ACTIVE → STOPPING with `stop.jobId` (or `easyPayStop.jobId`) — then creates
 * the job item (attribute_not_exists) and enqueues its step 0 (`startStopJob`).
 * Each step (`runStopStep`) works one page of at most STOP_PAGE_SIZE items and
 * writes the job's next checkpoint with one conditional write on `step`, then
 * enqueues the next step:
 * 1. CANCEL — every PENDING_PAYMENT/ACTIVE subscription of the shop (KakaoPay
 *    only, for a KakaoPay switch-off) → CANCELLED, cancelReason SERVICE_STOPPED
 *    (S22); a NOTICED cycle → CANCELLED first (conditional on NOTICED), so it is
 *    never charged. A cycle the charge run already took (CHARGING, CHARGED…)
 *    stands: that money was taken before the stop.
 * 2. KEYS — every billing key of the shop deleted at the PG (idempotent there)
 *    and then in the table (S22).
 * 3. SWEEP — for every buyer of the shop, every key a PG that lists keys still
 *    holds and the table does not is deleted at the PG (sweep-billing-keys.ts).
 * 4. MAIL — with operator mail on, one bulk-mail credit is set aside for the
 *    summary before any customer mail (S24); then, with customer mail on, one
 *    auto-cancel mail per cancelled subscription, each paid with one bulk-mail
 *    credit and guarded by its notification-log item (S23); no credit → NO_CREDIT,
 *    counted as not sent.
 * 5. SUMMARY — the operator's mail, last, with the counts.
 * 6. FINISH — the shop STOPPING → STOPPED (cardPg as the trigger set it).
 *
 * Alternate courses (resume): a step that dies is redelivered by SQS and redone
 * (every write in it is conditional or idempotent; mails go through the log);
 * a step whose checkpoint landed but whose next message was never sent is
 * redelivered too, finds the job one step further on and `advancedBy` naming
 * itself, and sends that message. A trigger that died between the shop write
 * and the job's first message is resumed by GET /admin/service (creates the
 * missing job and enqueues it) or by POST /admin/service/stop on the STOPPING
 * shop (re-enqueues the current step).
 */
import { seoulTimestamp } from '../core/dates.ts';
import type { Clock } from '../core/clock.ts';
import { logger } from '../core/logger.ts';
import type { BillingKeysRepository } from '../adapters/dynamodb/billing-keys.repo.ts';
import type { CreditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import type { CyclesRepository } from '../adapters/dynamodb/cycles.repo.ts';
import type { NotificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import type { SettingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import type { StopJobsRepository } from '../adapters/dynamodb/stop-jobs.repo.ts';
import type { SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import type { GatewayDirectory } from './storefront-deps.ts';
import type { EventPublisher, Mailer, WorkQueue } from '../adapters/messaging/ports.ts';
import { debitOperationId } from '../domain/credits.ts';
import { defaultNotificationSettings, type NotificationSettings } from '../domain/notification-settings.ts';
import * as service from '../domain/shop.ts';
import type { Shop } from '../domain/shop.ts';
import { newStopJob, STOP_PAGE_SIZE, type StopJob, type StopMessage, type StopProgress, type StopScope } from '../domain/stop-job.ts';
import { cancelWhole, type Subscription } from '../domain/subscription.ts';
import { autoCancelMail, autoCancelSummaryMail } from '../notifications/auto-cancel.ts';
import { changeShop } from './change-shop.ts';
import { subscriptionEvents } from './subscription-events.ts';
import { debitOne, openCreditBlock } from './credit-blocks.ts';
import { STOP_WORKER_TIMEOUT_SECONDS } from '../../system/worker-timeouts.ts';
import { transition } from '../domain/cycle.ts';
import { sendOnce, type SendOnceOptions } from './send-once.ts';
import { runCheckpointedStep } from './checkpointed-job.ts';
import { sweepBillingKeys } from './sweep-billing-keys.ts';

export interface StopDeps {
  readonly clock: Clock;
  readonly shops: ShopsRepository;
  readonly settings: SettingsRepository;
  readonly subscriptions: SubscriptionsRepository;
  readonly cycles: CyclesRepository;
  readonly billingKeys: BillingKeysRepository;
  readonly stopJobs: StopJobsRepository;
  readonly credits: CreditsRepository;
  readonly notifications: NotificationsRepository;
  readonly mailer: Mailer;
  readonly gateways: GatewayDirectory;
  readonly workQueue: WorkQueue;
  /** subscription.cancelled (reason service-stop) for each subscription the stop cancels. */
  readonly events: EventPublisher;
  /** Items per step; STOP_PAGE_SIZE unless a test wants several pages from a few items. */
  readonly pageSize?: number;
}

export type StopTriggerDeps = Pick<StopDeps, 'clock' | 'shops' | 'stopJobs' | 'workQueue'>;

/**
 * The functions that put stop steps on the stop worker's queue (their `enqueuesFor`), and the message kind
 * that routes them there in the local runtime, where every function shares one WORK_QUEUE_URL.
 */
export const STOP_ENQUEUED_KIND = {
  stopService: 'STOP',
  changeCardPg: 'STOP',
  unlinkCardPg: 'STOP',
  setEasyPay: 'STOP',
  getService: 'STOP',
  putPgContract: 'STOP',
  deletePgContract: 'STOP',
  stopWorker: 'STOP',
} as const;

/**
 * Send-once for the stop's mails: an attempt belongs to its step for as long as a stop worker lives; another
 * step's attempt in flight is waited for briefly; a mail refused for want of credit is tried again on a redo (S24).
 */
const STOP_MAILS: SendOnceOptions = { leaseMs: STOP_WORKER_TIMEOUT_SECONDS * 1000, waitMs: 5_000, retryNoCredit: true };

const message = (job: Pick<StopJob, 'shopId' | 'jobId'>, step: number): StopMessage => ({ kind: 'STOP', shopId: job.shopId, jobId: job.jobId, step });

/** The job a shop's service state names, if any: the whole-service stop, else the KakaoPay switch-off. */
export function pendingJobsOf(shop: Shop): Array<{ jobId: string; scope: StopScope; reason: StopJob['reason']; at: string }> {
  const jobs: Array<{ jobId: string; scope: StopScope; reason: StopJob['reason']; at: string }> = [];
  const { stop, easyPayStop } = shop.service;
  if (shop.service.status === 'STOPPING' && stop?.jobId) jobs.push({ jobId: stop.jobId, scope: 'ALL', reason: stop.reason, at: stop.at });
  if (easyPayStop) jobs.push({ jobId: easyPayStop.jobId, scope: 'KAKAOPAY', reason: 'KAKAOPAY_OFF', at: easyPayStop.at });
  return jobs;
}

/**
 * Makes sure the shop's pending stop job exists and has a step on the queue. `resume`: also re-enqueue the
 * current step of a job that exists and is not done (a duplicate step is harmless: only one checkpoints).
 */
export async function startStopJobs(deps: StopTriggerDeps, shop: Shop, options: { readonly resume: boolean }): Promise<void> {
  for (const pending of pendingJobsOf(shop)) {
    // Read first: GET /admin/service calls this on every read of a stopped shop, and a read is cheaper than a refused write.
    const existing = await deps.stopJobs.get(shop.shopId, pending.jobId);
    if (!existing) {
      const job = newStopJob({ shopId: shop.shopId, ...pending });
      // Of two triggers at once, one creates the job; both enqueue step 0, and only one step 0 checkpoints.
      if (await deps.stopJobs.create(job)) await deps.workQueue.send([message(job, 0)]);
      else if (options.resume) await deps.workQueue.send([message(job, 0)]);
      continue;
    }
    if (options.resume && existing.progress.phase !== 'DONE') await deps.workQueue.send([message(existing, existing.step)]);
  }
}

/**
 * Runs one step of a stop job (one SQS message). Idempotent: see the module comment. Answers the progress
 * before and after the step when this call checkpointed it (for the stop-progress metrics), else nothing.
 */
export async function runStopStep(deps: StopDeps, received: StopMessage, messageId: string): Promise<{ before: StopProgress; after: StopProgress } | undefined> {
  const stepped = await runCheckpointedStep({ jobs: deps.stopJobs, workQueue: deps.workQueue, clock: deps.clock }, received, messageId, message, (job) => work(deps, job));
  if (!stepped) return undefined;
  logger.info('Stop job step', { shopId: stepped.before.shopId, jobId: stepped.before.jobId, step: stepped.before.step, ...stepped.after.progress });
  return { before: stepped.before.progress, after: stepped.after.progress };
}

/** The checkpoint after one step's work (without step bookkeeping). */
async function work(deps: StopDeps, job: StopJob): Promise<StopJob> {
  const { cursor: _cursor, ...rest } = job;
  const at = (progress: Partial<StopProgress>, cursor: string | null): StopJob => ({ ...rest, progress: { ...job.progress, ...progress }, ...(cursor ? { cursor } : {}) });
  switch (job.progress.phase) {
    case 'CANCEL': {
      const page = await deps.subscriptions.listByShop(job.shopId, {}, { limit: deps.pageSize ?? STOP_PAGE_SIZE, cursor: job.cursor });
      let cancelled = 0;
      let deactivated = 0;
      for (const subscription of page.items) {
        const stopped = await cancelForStop(deps, job, subscription);
        if (!stopped) continue;
        // A redelivered step finds it stopped by this job and publishes the same id again (consumers drop it).
        await deps.events.publish(subscriptionEvents.cancelled(stopped));
        cancelled += 1;
        if (stopped.stoppedFromStatus === 'ACTIVE') deactivated += 1;
      }
      // S6 count: one decrement per page, not per subscription — the shop item remembers each count's
      // operation id for a day, and 100,000 ids would outgrow DynamoDB's 400 KB item. The page is fixed by
      // the checkpointed cursor, so a redelivered step computes the same decrement under the same id.
      if (deactivated > 0) await deps.shops.countActiveSubscriptions(job.shopId, -deactivated, `stop#${job.jobId}#${job.step}`, deps.clock.now());
      return at({ cancelled: job.progress.cancelled + cancelled, ...(page.nextCursor ? {} : { phase: 'KEYS' }) }, page.nextCursor);
    }
    case 'KEYS': {
      const page = await deps.billingKeys.listByShop(job.shopId, { limit: deps.pageSize ?? STOP_PAGE_SIZE, cursor: job.cursor });
      let deleted = 0;
      for (const record of page.items) {
        if (job.scope === 'KAKAOPAY' && (record.method !== 'kakaopay' || record.registeredAt > job.at)) continue;
        // At the PG first (idempotent there), then here: a crash in between finds the record and deletes again.
        await (await deps.gateways.gatewayFor(job.shopId, record.provider)).deleteBillingKey({ billingKey: record.billingKey, customerKey: record.customerKey });
        if (record.retiring) await (await deps.gateways.gatewayFor(job.shopId, record.retiring.provider)).deleteBillingKey({ billingKey: record.retiring.billingKey, customerKey: record.retiring.customerKey });
        if (await deps.billingKeys.delete(record.shopId, record.customerId, record.method, record.billingKey)) deleted += 1;
      }
      return at({ keysDeleted: job.progress.keysDeleted + deleted, ...(page.nextCursor ? {} : { phase: 'SWEEP' }) }, page.nextCursor);
    }
    case 'SWEEP': {
      // The buyers of this page of the shop's subscriptions: what their PG still holds that the table does not goes.
      const page = await deps.subscriptions.listByShop(job.shopId, {}, { limit: deps.pageSize ?? STOP_PAGE_SIZE, cursor: job.cursor });
      const swept = await sweepBillingKeys(deps, job.shopId, page.items.map((subscription) => subscription.customerId), { kakaoPayOnly: job.scope === 'KAKAOPAY', before: job.at });
      return at({ keysDeleted: job.progress.keysDeleted + swept, ...(page.nextCursor ? {} : { phase: 'MAIL' }) }, page.nextCursor);
    }
    case 'MAIL': {
      const settings = await settingsOf(deps, job.shopId);
      let summaryCredit = job.summaryCredit;
      // S24: the operator's summary is paid for before any customer mail, so running dry cannot silence it.
      if (settings.autoCancel.operatorMail && summaryCredit === undefined) {
        summaryCredit = await debitOne(deps, { shopId: job.shopId, kind: 'bulkMail', operationId: debitOperationId('auto-cancel-summary', job.jobId), reason: 'auto-cancel-summary', jobId: job.jobId });
      }
      const withCredit = (next: StopJob): StopJob => (summaryCredit ? { ...next, summaryCredit } : next);
      if (!settings.autoCancel.customerMail) return withCredit(at({ phase: 'SUMMARY' }, null));
      const page = await deps.subscriptions.listByShop(job.shopId, {}, { limit: deps.pageSize ?? STOP_PAGE_SIZE, cursor: job.cursor });
      const outcome = await mailCustomers(deps, job, page.items.filter((subscription) => subscription.stoppedBy === job.jobId));
      return withCredit(
        at({ mailsSent: job.progress.mailsSent + outcome.sent, mailsNotSent: job.progress.mailsNotSent + outcome.notSent, ...(page.nextCursor ? {} : { phase: 'SUMMARY' }) }, page.nextCursor),
      );
    }
    case 'SUMMARY': {
      const settings = await settingsOf(deps, job.shopId);
      if (settings.autoCancel.operatorMail) {
        if (job.summaryCredit === 'debited') {
          const shop = await deps.shops.get(job.shopId);
          const content = autoCancelSummaryMail({ shopName: shop?.name ?? job.shopId, reason: job.reason, date: job.at, ...job.progress });
          await sendOnce(deps, { to: 'operator', shopId: job.shopId, date: job.jobId, kind: 'auto-cancel-summary' }, { send: () => deps.mailer.send({ to: settings.operatorEmail, ...content, kind: 'auto-cancel-summary' }) }, STOP_MAILS);
        } else {
          logger.warn('Auto-cancel summary not sent: no bulk-mail credit', { shopId: job.shopId, jobId: job.jobId });
        }
      }
      return at({ phase: 'FINISH' }, null);
    }
    case 'FINISH': {
      if (job.scope === 'ALL') await changeShop(deps, job.shopId, (shop) => ({ service: service.finishStop(shop.service, job.jobId) }));
      return at({ phase: 'DONE' }, null);
    }
    case 'DONE':
      return job;
  }
}

async function settingsOf(deps: Pick<StopDeps, 'settings' | 'shops'>, shopId: string): Promise<NotificationSettings> {
  const stored = await deps.settings.getNotificationSettings(shopId);
  if (stored) return stored;
  return defaultNotificationSettings((await deps.shops.get(shopId))?.operatorEmail ?? '');
}

const MAX_CANCEL_ATTEMPTS = 5;

/** S22: cancels one subscription for the stop; its stopped state when this job cancelled it (now or in an earlier attempt). */
async function cancelForStop(deps: StopDeps, job: StopJob, read: Subscription): Promise<Subscription | undefined> {
  let current: Subscription | undefined = read;
  for (let attempt = 0; attempt < MAX_CANCEL_ATTEMPTS && current; attempt += 1) {
    if (current.stoppedBy === job.jobId) return current;
    // Issue 14: a COMPLETED subscription has ended already; nothing of it is cancelled, nobody told.
    if (current.status === 'CANCELLED' || current.status === 'COMPLETED') return undefined;
    if (job.scope === 'KAKAOPAY' && current.paymentMethod !== 'kakaopay') return undefined;
    // KakaoPay switched on again while this job ran: what buyers signed up for since is not this job's.
    if (job.scope === 'KAKAOPAY' && current.createdAt > job.at) return undefined;
    // Noticed, not charged: never charged after the stop. Conditional on NOTICED — a cycle the charge run
    // already took stands. Written before the subscription, so a crash in between is redone by the redelivery.
    // A planned (SCHEDULED) delivery was never announced: its plan is withdrawn, out of the notice index at once.
    const detail = await deps.subscriptions.getWithCycles(current.id);
    for (const cycle of detail?.cycles ?? []) {
      if (cycle.status === 'SCHEDULED') {
        await deps.cycles.withdraw(cycle, 'SCHEDULED');
        continue;
      }
      const cancelled = transition(cycle, { type: 'cancel', reason: 'SERVICE_STOPPED' });
      if (cancelled.ok) await deps.cycles.write(cancelled.next, cancelled.expect);
    }
    const now = deps.clock.now();
    // Every item too, as after a buyer's cancel: nothing of a stopped subscription reads ACTIVE.
    const next: Subscription = { ...cancelWhole(current, 'SERVICE_STOPPED', seoulTimestamp(now)), stoppedBy: job.jobId, stoppedFromStatus: current.status };
    if (await deps.subscriptions.update(next, current.version ?? 0)) return next;
    current = await deps.subscriptions.get(current.id);
  }
  if (!current) return undefined;
  throw new Error(`Subscription ${read.id} kept changing while being cancelled for a stop`);
}

/** S23, S24: one auto-cancel mail per cancelled subscription, each paid with one bulk-mail credit, at most once. */
async function mailCustomers(deps: StopDeps, job: StopJob, subscriptions: readonly Subscription[]): Promise<{ sent: number; notSent: number }> {
  let sent = 0;
  let notSent = 0;
  const recipients = subscriptions.filter((subscription) => subscription.contact?.email);
  notSent += subscriptions.length - recipients.length;
  if (recipients.length === 0) return { sent, notSent };
  const shop = await deps.shops.get(job.shopId);
  // One block per step, named after it: a redelivered step finds the same block and its debits.
  const block = await openCreditBlock(deps, { shopId: job.shopId, kind: 'bulkMail', blockId: `stop:${job.jobId}:${job.step}`, want: recipients.length });
  // Released only when the step's mails are done: a step that fails keeps its block open, and its redelivery
  // carries on with it (a closed block is final: the mails the crash left unsent would each be paid on their own).
  for (const subscription of recipients) {
    const content = autoCancelMail({ shopName: shop?.name ?? job.shopId, subscriptionId: subscription.id, reason: job.reason, date: job.at.slice(0, 10) });
    const outcome = await sendOnce(deps, { to: 'customer', subscriptionId: subscription.id, deliveryDate: `stop-${job.jobId}`, kind: 'auto-cancel', channel: 'mail' }, {
      pay: () => block.debit(debitOperationId('auto-cancel', subscription.id, job.jobId), { reason: 'auto-cancel', subscriptionId: subscription.id, jobId: job.jobId }),
      send: () => deps.mailer.send({ to: subscription.contact?.email ?? '', ...content, kind: 'auto-cancel' }),
    }, STOP_MAILS);
    if (outcome === 'no-credit') notSent += 1;
    else sent += 1;
  }
  await block.release();
  return { sent, notSent };
}

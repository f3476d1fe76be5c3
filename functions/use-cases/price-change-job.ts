/**
 * The price-change notice job (issue 14; 전자상거래법 시행령: consent to an increase of a recurring payment,
 * asked at least 30 days before it, with how to refuse), run by the price-change worker one bounded step at
 * a time (checkpointed-job.ts).
 *
 * Primary course: PUT /admin/products/{id} records an increase on the product (products.ts) and starts the
 * job (`ensurePriceChangeJobs`: created once under the change's id, step 0 enqueued). Each step
 * (`runPriceChangeStep`) reads one page of the product's subscriptions (by-product index, gsi4) and, for each
 * ACTIVE one that includes the product and was created before the change, sends the buyer the notice by mail
 * and — when the shop's payment-notice SMS is on — by SMS, paid with one SMS credit per SNS part (S12) from a
 * credit block named after the step; every message goes through the send-once log (keyed by subscription and
 * change), so a redelivered step sends nothing twice. The last page → DONE.
 *
 * Alternate courses: a PUT that died after saving the product and before enqueueing is resumed by the next
 * save of that product (`ensurePriceChangeJobs` again: creates a missing job, re-enqueues the current step of
 * one not DONE; a duplicate step is harmless, only one checkpoints). No SMS credit → that SMS is NO_CREDIT (counted; the mail
 * still goes). No address → counted as unreachable.
 */
import type { Clock } from '../core/clock.ts';
import { logger } from '../core/logger.ts';
import type { CreditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import type { NotificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import type { PriceChangeJobsRepository } from '../adapters/dynamodb/price-change-jobs.repo.ts';
import type { SettingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import type { SubscriptionsRepository } from '../adapters/dynamodb/subscriptions.repo.ts';
import type { Mailer, SmsSender, WorkQueue } from '../adapters/messaging/ports.ts';
import { debitOperationId, type SpendOutcome } from '../domain/credits.ts';
import { defaultNotificationSettings } from '../domain/notification-settings.ts';
import { isAskedAbout, type PriceChange } from '../domain/price-change.ts';
import { newPriceChangeJob, PRICE_CHANGE_PAGE_SIZE, type PriceChangeJob, type PriceChangeMessage } from '../domain/price-change-job.ts';
import type { Subscription } from '../domain/subscription.ts';
import { priceChangeMail, priceChangeSms, type PriceChangeContent } from '../notifications/price-change.ts';
import { snsSmsChannel } from '../notifications/sms-parts.ts';
import { runCheckpointedStep } from './checkpointed-job.ts';
import { openCreditBlock, type CreditBlockSession } from './credit-blocks.ts';
import { sendOnce, type SendOnceOptions } from './send-once.ts';
import { PRICE_CHANGE_WORKER_TIMEOUT_SECONDS } from '../../system/worker-timeouts.ts';

/** Each price-change mail and SMS once (send-once.ts): a worker's attempt is its own for as long as the worker can live. */
const PRICE_CHANGE_SENDS: SendOnceOptions = { leaseMs: PRICE_CHANGE_WORKER_TIMEOUT_SECONDS * 1000, waitMs: 5_000, retryNoCredit: true };

export interface PriceChangeJobDeps {
  readonly clock: Clock;
  readonly shops: ShopsRepository;
  readonly settings: SettingsRepository;
  readonly subscriptions: SubscriptionsRepository;
  readonly priceChangeJobs: PriceChangeJobsRepository;
  readonly credits: CreditsRepository;
  readonly notifications: NotificationsRepository;
  readonly mailer: Mailer;
  readonly sms: SmsSender;
  readonly workQueue: WorkQueue;
  /** Subscriptions per step; PRICE_CHANGE_PAGE_SIZE unless a test wants several pages from a few items. */
  readonly pageSize?: number;
}

export type PriceChangeTriggerDeps = Pick<PriceChangeJobDeps, 'priceChangeJobs' | 'workQueue'>;

/** The functions that put price-change steps on the price-change worker's queue, and the kind that routes them locally. */
export const PRICE_CHANGE_ENQUEUED_KIND = { putProduct: 'PRICE_CHANGE', priceChangeWorker: 'PRICE_CHANGE' } as const;

const message = (job: Pick<PriceChangeJob, 'shopId' | 'jobId'>, step: number): PriceChangeMessage => ({ kind: 'PRICE_CHANGE', shopId: job.shopId, jobId: job.jobId, step });

/**
 * Makes sure every increase of the product still ahead (its increaseFrom not reached) has its job, created
 * once under the change id, and — unless DONE — a step on the queue. Called on every save of the product: the
 * save that recorded the increase starts the job; a save that died before starting it is resumed by the next
 * (a duplicate step is harmless: only one checkpoints).
 */
export async function ensurePriceChangeJobs(deps: PriceChangeTriggerDeps, shopId: string, product: { readonly name: string; readonly priceChanges?: readonly PriceChange[] }, today: string, at: string): Promise<void> {
  for (const change of product.priceChanges ?? []) {
    if (change.increaseFrom === undefined || change.increaseFrom <= today) continue;
    const existing = await deps.priceChangeJobs.get(shopId, change.changeId);
    if (!existing) {
      const job = newPriceChangeJob({ shopId, change, productName: product.name, at });
      if (await deps.priceChangeJobs.create(job)) await deps.workQueue.send([message(job, 0)]);
      continue;
    }
    if (existing.progress.phase !== 'DONE') await deps.workQueue.send([message(existing, existing.step)]);
  }
}

/** Runs one step of a price-change job (one SQS message); answers the progress before and after when it checkpointed. */
export async function runPriceChangeStep(deps: PriceChangeJobDeps, received: PriceChangeMessage, messageId: string) {
  const stepped = await runCheckpointedStep({ jobs: deps.priceChangeJobs, workQueue: deps.workQueue, clock: deps.clock }, received, messageId, message, (job) => notifyPage(deps, job));
  if (!stepped) return undefined;
  logger.info('Price-change job step', { shopId: stepped.before.shopId, jobId: stepped.before.jobId, step: stepped.before.step, ...stepped.after.progress });
  return { before: stepped.before.progress, after: stepped.after.progress };
}

async function notifyPage(deps: PriceChangeJobDeps, job: PriceChangeJob): Promise<PriceChangeJob> {
  const { cursor: _cursor, ...rest } = job;
  const { change } = job;
  const page = await deps.subscriptions.listByShop(job.shopId, { productId: change.productId, status: 'ACTIVE' }, { limit: deps.pageSize ?? PRICE_CHANGE_PAGE_SIZE, cursor: job.cursor });
  const asked = page.items.filter((subscription) => isAskedAbout(subscription, change) && subscription.items.some((item) => item.productId === change.productId && item.status === 'ACTIVE'));
  const progress = { ...job.progress };
  if (asked.length > 0) {
    const shop = await deps.shops.get(job.shopId);
    const settings = (await deps.settings.getNotificationSettings(job.shopId)) ?? defaultNotificationSettings(shop?.operatorEmail ?? '');
    const smsTo = settings.paymentNotice.sms ? asked.filter((subscription) => subscription.contact?.phone) : [];
    const contentOf = (subscription: Subscription): PriceChangeContent => ({
      shopName: shop?.name ?? job.shopId,
      subscriptionId: subscription.id,
      productName: job.productName,
      quantity: subscription.items.find((item) => item.productId === change.productId)?.quantity ?? 1,
      oldPrice: change.oldPrice,
      newPrice: change.newPrice,
      increaseFrom: change.increaseFrom ?? change.announcedOn,
      policy: change.policy,
    });
    const smsTexts = new Map(smsTo.map((subscription) => [subscription.id, priceChangeSms(contentOf(subscription))]));
    const parts = [...smsTexts.values()].reduce((sum, text) => sum + snsSmsChannel.measure(text).parts, 0);
    // One block per step, named after it: a redelivered step finds the same block and its debits (as the stop job's mails).
    const block = parts > 0 ? await openCreditBlock(deps, { shopId: job.shopId, kind: 'sms', blockId: `price:${job.jobId}:${job.step}`, want: parts }) : undefined;
    for (const subscription of asked) {
      const content = contentOf(subscription);
      const date = `price-${change.changeId}`;
      let told = false;
      const email = subscription.contact?.email;
      if (email) {
        await sendOnce(deps, { to: 'customer', subscriptionId: subscription.id, deliveryDate: date, kind: 'price-change', channel: 'mail' }, {
          send: () => deps.mailer.send({ to: email, ...priceChangeMail(content), kind: 'price-change' }),
        }, PRICE_CHANGE_SENDS);
        progress.mailsSent += 1;
        told = true;
      }
      const text = smsTexts.get(subscription.id);
      const phone = subscription.contact?.phone;
      if (text && phone && block) {
        const outcome = await sendOnce(deps, { to: 'customer', subscriptionId: subscription.id, deliveryDate: date, kind: 'price-change', channel: 'sms' }, {
          pay: () => payParts(block, snsSmsChannel.measure(text).parts, subscription.id, change.changeId),
          send: () => deps.sms.send({ to: phone, text, kind: 'price-change' }),
        }, PRICE_CHANGE_SENDS);
        if (outcome === 'no-credit') progress.smsNotSent += 1;
        else {
          progress.smsSent += 1;
          told = true;
        }
      }
      if (told) progress.notified += 1;
      else progress.unreachable += 1;
    }
    await block?.release();
  }
  return { ...rest, progress: { ...progress, ...(page.nextCursor ? {} : { phase: 'DONE' }) }, ...(page.nextCursor ? { cursor: page.nextCursor } : {}) };
}

/**
 * S12 on SNS: one credit per part actually sent. Each part has its own operation id, so a retry debits none
 * twice; a shop that runs dry between two parts keeps the first debited and the SMS is not sent (rare: the
 * SMS is fitted to one part).
 */
async function payParts(block: CreditBlockSession, parts: number, subscriptionId: string, changeId: string): Promise<SpendOutcome> {
  for (let part = 1; part <= parts; part += 1) {
    const outcome = await block.debit(debitOperationId('price-change', subscriptionId, changeId, `sms${part}`), { reason: 'price-change', subscriptionId });
    if (outcome === 'insufficient') return outcome;
  }
  return 'debited';
}

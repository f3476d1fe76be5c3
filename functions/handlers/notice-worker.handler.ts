/**
 * The D-2 payment-notice worker (S11, S12, S17, S18), fed by the notice run
 * through SQS: each message is one shop's due cycles. It builds what it uses
 * and nothing else: the table (reads batched per message), SES, SNS, and its
 * own queue for items put back on their own.
 */
import { batchingReads } from '../adapters/dynamodb/batched-reads.ts';
import { workQueueWorker } from '../queue/sqs-worker.ts';
import { noticeWork, SENDING_LEASE_MS, type NoticeDeps } from '../use-cases/runs/notice.ts';
import { clock } from '../wiring/clock.ts';
import { mailer } from '../wiring/mailer.ts';
import { sms } from '../wiring/sms.ts';
import { db, repositories, tableName } from '../wiring/table.ts';
import { workQueue } from '../wiring/work-queue.ts';

const table = repositories(batchingReads(db, tableName), clock);

const noticeDeps: NoticeDeps = {
  clock,
  cycles: table.cycles,
  subscriptions: table.subscriptions,
  shops: table.shops,
  settings: table.settings,
  products: table.products,
  credits: table.credits,
  notifications: table.notifications,
  mailer,
  sms,
};

// A failed item comes back after the lease of a notice another worker may be sending.
export const handler = workQueueWorker((work) => noticeWork(noticeDeps, work), { requeue: workQueue, retryDelaySeconds: (SENDING_LEASE_MS / 1000) * 1.5 });

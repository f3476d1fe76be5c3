/**
 * The stop cascade (S21–S24) as a job: one item per stop (`keys.stopJob`), run
 * in bounded steps by the stop worker. Each step works one page and writes its
 * checkpoint (phase, cursor, counters) with one conditional write on `step`, so
 * a step is applied once however often its message is delivered.
 *
 * Phases, in order: CANCEL (every open subscription, S22) → KEYS (every billing
 * key, S22) → SWEEP (keys the PG still holds for the shop's buyers that the
 * table does not, S22) → MAIL (one credit set aside for the operator first, then one mail
 * per cancelled subscription, S23, S24) → SUMMARY (the operator's mail, last) →
 * FINISH (the shop → STOPPED) → DONE.
 */
import type { StopReason } from './shop.ts';

export const STOP_PHASES = ['CANCEL', 'KEYS', 'SWEEP', 'MAIL', 'SUMMARY', 'FINISH', 'DONE'] as const;
export type StopPhase = (typeof STOP_PHASES)[number];

/** ALL: the whole service stops. KAKAOPAY: KakaoPay was switched off; only its subscriptions and keys go. */
export type StopScope = 'ALL' | 'KAKAOPAY';

export interface StopProgress {
  readonly phase: StopPhase;
  readonly cancelled: number;
  readonly keysDeleted: number;
  readonly mailsSent: number;
  readonly mailsNotSent: number;
}

export interface StopJob {
  readonly shopId: string;
  readonly jobId: string;
  readonly scope: StopScope;
  readonly reason: StopReason | 'KAKAOPAY_OFF';
  readonly at: string;
  readonly progress: StopProgress;
  /** Steps checkpointed so far: the message of step n may advance the job only while it is at step n. */
  readonly step: number;
  /** Where the current phase goes on (a list cursor), absent at a phase's start. */
  readonly cursor?: string;
  /** S24: the operator's summary credit, set aside before any customer mail. */
  readonly summaryCredit?: 'debited' | 'insufficient';
  /** The SQS message that wrote the last checkpoint: only its redelivery re-sends the next step (see the worker). */
  readonly advancedBy?: string;
  readonly updatedAt: string;
}

/** Subscriptions (or billing keys) per step: far below a Lambda's limits, whatever the shop's size. */
export const STOP_PAGE_SIZE = 100;

/** The job id of a stop: derived from the shop version its trigger wrote, so a repeated trigger finds the same job. */
export function stopJobId(shopVersion: number): string {
  return `v${shopVersion}`;
}

export function newStopJob(request: { shopId: string; jobId: string; scope: StopScope; reason: StopJob['reason']; at: string }): StopJob {
  return { ...request, step: 0, progress: { phase: 'CANCEL', cancelled: 0, keysDeleted: 0, mailsSent: 0, mailsNotSent: 0 }, updatedAt: request.at };
}

/** The message on the stop queue: one step of one job. */
export interface StopMessage {
  readonly kind: 'STOP';
  readonly shopId: string;
  readonly jobId: string;
  readonly step: number;
}

/**
 * A cycle left in REVIEW (functions/use-cases/runs/charge.ts: its charge's
 * outcome is unknown and the PG cannot look it up, or it stayed unknown past
 * the retry window) is closed by an operator, once. Pure transitions, state ×
 * event, meant to join the cycle's state machine (functions/domain/cycle.ts).
 *
 * | from | event | to |
 * | --- | --- | --- |
 * | REVIEW | resolve charged | CHARGED, follow-ups pending (order, event, advance) |
 * | REVIEW | resolve not-charged | FAILED, follow-ups pending (buyer and operator mails, advance) |
 * | CHARGED/FAILED resolved with the same outcome | resolve again | unchanged (the same answer) |
 * | anything else | resolve | refused: 409 CYCLE_NOT_IN_REVIEW |
 */
import { Conflict } from '../core/errors.ts';
import type { Cycle } from './subscription.ts';

export type ReviewOutcome = 'charged' | 'not-charged';

export interface Resolution {
  readonly outcome: ReviewOutcome;
  readonly pgReference?: string;
  /** Who resolved it (the admin's subject). */
  readonly by: string;
  readonly at: string;
  /** When the charge run would pick unfinished follow-ups up (the due CHARGE index date). */
  readonly followUpsAt: string;
}

/** The code a not-charged resolution records as the cycle's failure. */
export const NOT_CHARGED_AFTER_REVIEW = 'NOT_CHARGED_AFTER_REVIEW';

/** True when this cycle was already resolved with this outcome: a repeat answers the same, changes nothing. */
export function alreadyResolved(cycle: Cycle, outcome: ReviewOutcome): boolean {
  return cycle.resolution?.outcome === outcome && (cycle.status === 'CHARGED' || cycle.status === 'FAILED');
}

/** REVIEW → CHARGED or FAILED with follow-ups pending; anything else is refused. */
export function resolveReview(cycle: Cycle, resolution: Resolution): Cycle {
  if (cycle.status !== 'REVIEW') {
    throw new Conflict('CYCLE_NOT_IN_REVIEW', `This cycle is not waiting for a review${cycle.resolution ? ` (it was resolved as ${cycle.resolution.outcome})` : ''}.`);
  }
  const { reviewReason: _reason, shopId: _shop, ...rest } = cycle;
  const record = { outcome: resolution.outcome, at: resolution.at, by: resolution.by, ...(resolution.pgReference !== undefined ? { pgReference: resolution.pgReference } : {}) };
  const common = { ...rest, resolution: record, followUpsPending: true, nextAttemptAt: resolution.followUpsAt } as const;
  if (resolution.outcome === 'charged') {
    return { ...common, status: 'CHARGED', paymentKey: resolution.pgReference ?? `manual-${cycle.orderId ?? cycle.deliveryDate}`, approvedAt: resolution.at, chargedAt: resolution.at };
  }
  return {
    ...common,
    status: 'FAILED',
    failedAt: resolution.at,
    lastFailure: { code: NOT_CHARGED_AFTER_REVIEW, message: 'The payment was not taken (confirmed by the shop after a review).', at: resolution.at, attempt: cycle.attempts ?? 0 },
  };
}

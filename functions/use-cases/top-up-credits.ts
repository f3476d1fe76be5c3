import { randomUUID } from 'node:crypto';
import type { Clock } from '../core/clock.ts';
import { Conflict, NotFound } from '../core/errors.ts';
import { CREDIT_KINDS, topUpOperationId, type CreditBalances } from '../domain/credits.ts';
import type { CreditsRepository } from '../adapters/dynamodb/credits.repo.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';

export interface TopUpRequest {
  readonly sms?: number | undefined;
  readonly bulkMail?: number | undefined;
  /** The purchase; a repeated request with the same reference is applied once. */
  readonly reference?: string | undefined;
}

/**
 * The platform adds prepaid credits a shop bought (S12, S24).
 *
 * Primary course: each kind in the request is added to its balance once and recorded in the ledger; the new
 * balances are answered. Alternate courses: unknown shop → 404, nothing written; the same reference again →
 * nothing added, the balances answered (a retry after a timeout is safe); the same reference with other
 * amounts, or for another credit kind → 409 TOP_UP_REFERENCE_REUSED. Without a reference every request is a new purchase.
 */
export async function topUpCredits(deps: { shops: ShopsRepository; credits: CreditsRepository; clock: Clock }, shopId: string, request: TopUpRequest): Promise<CreditBalances> {
  if (!(await deps.shops.get(shopId))) throw new NotFound('The shop');
  const reference = request.reference ?? randomUUID();
  // One purchase, one reference: claimed once per shop across kinds, so {sms} then {bulkMail} under one reference is refused.
  if (request.reference !== undefined && (await deps.credits.claimReference(shopId, reference, { sms: request.sms, bulkMail: request.bulkMail })) === 'conflict') {
    throw new Conflict('TOP_UP_REFERENCE_REUSED', `Reference ${reference} was used for another top-up; use a new reference for a new purchase.`);
  }
  const at = deps.clock.now();
  for (const kind of CREDIT_KINDS) {
    const amount = request[kind];
    if (amount === undefined) continue;
    const outcome = await deps.credits.topUp(shopId, kind, { operationId: topUpOperationId(kind, reference), amount, reference, at });
    if (outcome === 'reference-conflict') {
      throw new Conflict('TOP_UP_REFERENCE_REUSED', `Reference ${reference} was used for another ${kind} top-up; use a new reference for a new purchase.`);
    }
  }
  return deps.credits.balances(shopId);
}

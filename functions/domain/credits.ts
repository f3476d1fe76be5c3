/**
 * Prepaid credits (S12, S24): the payment-notice SMS spends SMS credits, every
 * automatic mail (auto-cancellation, S23) spends bulk-mail credits. A balance
 * never goes negative and a debit is never applied twice; how that holds
 * without transactions, and at tens of thousands of SMS a morning, is in
 * docs/data-model.md ("Credits").
 */

export const CREDIT_KINDS = ['sms', 'bulkMail'] as const;
export type CreditKind = (typeof CREDIT_KINDS)[number];

/** What one message costs: one credit of its kind (S12, S24). */
export const CREDITS_PER_MESSAGE = 1;

/** Largest block one worker may reserve: bounds the block item (its set of spent operations) to ~11 KB. */
export const MAX_BLOCK_SIZE = 1000;

/**
 * How long the balance item remembers a settled top-up. A duplicate of a step
 * can only come from a worker that read the old state before the step
 * completed, and a worker lives at most one Lambda timeout (15 minutes); twice
 * that leaves a margin. Later duplicates are stopped by the ledger entry,
 * which is never forgotten. (A block's grant is forgotten as soon as it is
 * settled: its block item, never forgotten, and the grant's token stop a late
 * duplicate; docs/data-model.md, "Credits".)
 */
export const REMEMBER_SETTLED_SECONDS = 30 * 60;

/** A block whose grant is still unsettled this long after it was taken has lost its worker (a Lambda lives ≤ 15 minutes). */
export const ABANDONED_AFTER_SECONDS = 30 * 60;

/** Settled blocks are deleted by TTL after this long; a message is never retried that late (its notice date has passed). */
export const BLOCK_RETENTION_SECONDS = 35 * 24 * 60 * 60;

/** Operation ids: deterministic, chosen by the caller from its business key; `#` is allowed as a separator. */
export const OPERATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_#.:-]{0,199}$/;
/**
 * Block ids: the same alphabet, a little longer, so that a block can be named after one operation (`one:{operationId}`).
 * At most 240: a block id is a map key on the balance item, and DynamoDB takes names of at most 255 bytes in an expression.
 */
export const BLOCK_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_#.:-]{0,239}$/;

export interface CreditBalances {
  /** Spendable SMS credits. */
  readonly sms: number;
  /** Spendable bulk-mail credits. */
  readonly bulkMail: number;
  /** Held by sends in progress (open blocks); what they do not use returns when they finish. */
  readonly reserved: { readonly sms: number; readonly bulkMail: number };
}

/** Why credits moved. Debits name the message kind they paid for (the outbox kinds). */
export type LedgerReason = 'top-up' | 'payment-notice' | 'price-change' | 'auto-cancel' | 'auto-cancel-summary' | 'charge-failed';

/** One applied top-up or debit; `id` is the operation id that makes it idempotent. */
export interface LedgerEntry {
  readonly id: string;
  readonly kind: CreditKind;
  /** Positive for a top-up, negative for a debit. */
  readonly change: number;
  readonly reason: LedgerReason;
  readonly subscriptionId?: string;
  readonly jobId?: string;
  /** The purchase a top-up is for. */
  readonly reference?: string;
  /** ISO 8601 with the Seoul offset. */
  readonly at: string;
}

/**
 * A block of credits one worker reserved from a balance (docs/data-model.md, "Credits").
 * ACTIVE → RELEASED; EMPTY when nothing was left; RELEASED with nothing granted
 * when released before it was reserved. EMPTY and RELEASED are final: a block
 * never takes a debit again once closed.
 */
export type BlockState = 'ACTIVE' | 'EMPTY' | 'RELEASED';

export interface CreditBlockRef {
  readonly shopId: string;
  readonly kind: CreditKind;
  readonly blockId: string;
}

export interface CreditBlock extends CreditBlockRef {
  readonly state: BlockState;
  /** Credits the block took from the balance (0 when EMPTY, or released unreserved). */
  readonly granted: number;
  /** Messages debited from it so far. */
  readonly spent: number;
  /** RELEASED: what it did not spend, returned to the balance (granted − spent). */
  readonly refunded?: number;
}

/** One message's debit, as the caller describes it. */
export interface Debit {
  /** Deterministic: e.g. `payment-notice#{subscriptionId}#{deliveryDate}#sms`. A repeated id is debited once. */
  readonly operationId: string;
  readonly reason: Exclude<LedgerReason, 'top-up'>;
  readonly subscriptionId?: string;
  readonly jobId?: string;
  readonly at: Date;
}

export type SpendOutcome = 'debited' | 'insufficient';

export interface TopUp {
  readonly operationId: string;
  readonly amount: number;
  readonly reference: string;
  readonly at: Date;
}

export type TopUpOutcome = 'applied' | 'already-applied' | 'reference-conflict';

/** The operation id of a top-up: one per (kind, purchase reference), so a repeated request is applied once. */
export function topUpOperationId(kind: CreditKind, reference: string): string {
  return `top-up#${kind}#${reference}`;
}

/** A debit operation id from its business key, e.g. (`payment-notice`, subscriptionId, deliveryDate, `sms`). */
export function debitOperationId(reason: Debit['reason'], ...parts: readonly string[]): string {
  return [reason, ...parts].join('#');
}

/** Operation and block ids become parts of keys: a malformed one is a programming error, refused before any write. */
export function assertOperationId(id: string): void {
  if (!OPERATION_ID_PATTERN.test(id)) throw new Error(`Invalid operation id "${id}": use letters, digits and _ # . : - (at most 200)`);
}

export function assertBlockId(id: string): void {
  if (!BLOCK_ID_PATTERN.test(id)) throw new Error(`Invalid block id "${id}": use letters, digits and _ # . : - (at most 240)`);
}

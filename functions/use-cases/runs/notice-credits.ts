/**
 * The SMS credits of one notice message (S12; docs/data-model.md, "Credits").
 * A message holds one shop's items, so it reserves one credit block, named
 * after the message: a redelivery of a message whose worker died finds the
 * block still open and goes on with it; a block an earlier delivery closed is
 * settled and the next generation (`…:1`, `…:2`) is used.
 *
 * Each SMS's operation is bound to the block on its cycle (the lock or resend
 * write) before any credit is consumed, so one operation is consumed in at
 * most one block. The block is reserved as soon as the message's items are
 * read, sized to the SMS they will bind to it, beside the locks;
 * once the locks are written, all of the message's credits are consumed with
 * one write; then, beside the sends, their ledger lines are written with one
 * batch write and the block released (what it did not spend goes back) —
 * three writes for the message, not three per SMS, and none of them between
 * a lock and its send but the one consume.
 */
import type { Clock } from '../../core/clock.ts';
import type { CreditsRepository } from '../../adapters/dynamodb/credits.repo.ts';
import { BLOCK_ID_PATTERN, CREDITS_PER_MESSAGE, debitOperationId, MAX_BLOCK_SIZE, type CreditBlock, type CreditBlockRef, type LedgerEntry } from '../../domain/credits.ts';
import type { CycleRef } from '../../domain/cycle.ts';
import { debitOne } from '../credit-blocks.ts';

type Deps = { readonly credits: CreditsRepository; readonly clock: Clock };

/** Redeliveries of one message that each closed their block; beyond it the message gives up (and is retried later). */
const MAX_BLOCK_GENERATIONS = 20;

/** S12: one SMS credit per (subscription, delivery), whatever the retries. */
export function smsOperationId(ref: CycleRef): string {
  return debitOperationId('payment-notice', ref.subscriptionId, ref.deliveryDate, 'sms');
}

/** The message's block: the first generation that is not closed (a closed one is settled on the way). */
export async function messageBlock(deps: Deps, work: { readonly shopId: string; readonly date: string; readonly messageId: string }): Promise<CreditBlockRef> {
  const part = /^[A-Za-z0-9_.:-]{1,100}$/.test(work.messageId) ? work.messageId : Buffer.from(work.messageId).toString('base64url').slice(0, 100);
  for (let generation = 0; generation < MAX_BLOCK_GENERATIONS; generation += 1) {
    const ref: CreditBlockRef = { shopId: work.shopId, kind: 'sms', blockId: `notice:${work.date}:${part}:${generation}` };
    if (!BLOCK_ID_PATTERN.test(ref.blockId)) throw new Error(`Block id ${ref.blockId} is not valid`);
    const existing = await deps.credits.block(ref);
    if (!existing || existing.state === 'ACTIVE') return ref;
    // An earlier delivery closed it: settle its refund if that was cut short, and take the next generation.
    await deps.credits.releaseBlock(ref, deps.clock.now());
  }
  throw new Error(`Message ${work.messageId} closed ${MAX_BLOCK_GENERATIONS} credit blocks already`);
}

/** A debit the message makes or finds made: the operation, the block it is bound to, its subscription. */
export interface SmsDebit {
  readonly ref: CycleRef;
  readonly block: string;
  /** When the notice's SMS attempt began: the ledger line's time. */
  readonly at: string;
}

/**
 * The message's block being reserved (undefined: nothing wanted, no block), started before the locks and awaited
 * by `paySms`. A failed reservation fails the message there, as if it had been made in `paySms` itself.
 */
export type Reservation = Promise<CreditBlock | undefined>;

/** Starts reserving the message's block for the `want` SMS its items will bind to it (an upper bound is fine: the rest goes back). */
export function reserveMessageBlock(deps: Deps, block: CreditBlockRef, want: number): Reservation {
  const size = Math.min(want, MAX_BLOCK_SIZE);
  const reserving = size > 0 ? deps.credits.reserveBlock(block, size, deps.clock.now()) : Promise.resolve(undefined);
  // Awaited in paySms; until then a refusal must not count as unhandled.
  reserving.catch(() => undefined);
  return reserving;
}

export interface SmsCredits {
  /** The operations paid for (now, or by an earlier attempt): their SMS may go out. */
  readonly paid: ReadonlySet<string>;
  /**
   * Writes the ledger lines of the paid operations (and `more`: lines of debits an earlier delivery made and
   * died before writing), then returns what the block did not spend. Nothing consumes from the block after
   * `paySms`, so this may run beside the sends. A failure here fails the message, whose redelivery writes the
   * lines again; an unreleased block is swept at the end of the next run.
   */
  finish(more?: readonly LedgerEntry[]): Promise<void>;
}

/**
 * Pays the message's SMS from its block (an operation bound to another block by an earlier attempt: from that
 * one). Answers which operations are paid. A block a duplicate delivery of the same message released meanwhile
 * can never hold the operations it does not hold already (a closed block takes no debit), so those are paid
 * one by one through `debitOne` instead; a block that ran dry (EMPTY, or full) means the shop has no credit
 * left: those SMS are not sent (S12). The message's own block is the one `reservation` reserved; should more
 * of its SMS be bound to it than reserved for (never, while the caller counts them all), the rest are reserved
 * here, as before the reservation moved ahead (a block reserved already keeps its size: those go unpaid).
 */
export async function paySms(deps: Deps, block: CreditBlockRef, debits: readonly SmsDebit[], reservation: Reservation): Promise<SmsCredits> {
  const paid = new Set<string>();
  const byBlock = new Map<string, string[]>();
  for (const debit of debits) byBlock.set(debit.block, [...(byBlock.get(debit.block) ?? []), smsOperationId(debit.ref)]);
  // Awaited also when nothing is bound to it now: a refused reservation fails the message, and the block is released in finish.
  let own = await reservation;
  for (const [blockId, operations] of byBlock) {
    const ref: CreditBlockRef = { ...block, blockId };
    if (blockId === block.blockId && !own) {
      own = await deps.credits.reserveBlock(ref, Math.min(operations.length, MAX_BLOCK_SIZE), deps.clock.now());
    }
    const held = await deps.credits.consume(ref, operations, blockId === block.blockId ? own : undefined);
    for (const operation of held) paid.add(operation);
    if (operations.every((operation) => paid.has(operation))) continue;
    let state = (await deps.credits.block(ref))?.state;
    if (blockId !== block.blockId) {
      // Another message's block (a resumed cycle's). Never written (its attempt died after its take, or is between its
      // take and its write): closed for good first. Not closed when `consume` read it missing (written since, ACTIVE):
      // asked again — it pays them if it has room (from the block the cycle names), or holds them already; what it does
      // not hold then, it never will (closed, or full), and only that is paid around it.
      if (state === undefined) await deps.credits.releaseBlock(ref, deps.clock.now());
      if (state !== 'RELEASED' && state !== 'EMPTY') for (const operation of await deps.credits.consume(ref, operations)) paid.add(operation);
      state = 'RELEASED';
    }
    if (state !== 'RELEASED') continue;
    for (const operation of operations.filter((candidate) => !paid.has(candidate))) {
      const debit = debits.find((candidate) => smsOperationId(candidate.ref) === operation)!;
      if ((await debitOne(deps, { shopId: block.shopId, kind: 'sms', operationId: operation, reason: 'payment-notice', subscriptionId: debit.ref.subscriptionId })) === 'debited') paid.add(operation);
    }
  }
  return {
    paid,
    async finish(more = []) {
      const lines: LedgerEntry[] = [...more, ...debits.filter((debit) => paid.has(smsOperationId(debit.ref))).map((debit) => lateLedgerLine(debit.ref, debit.at))];
      if (lines.length > 0) await deps.credits.recordDebits(block.shopId, [...new Map(lines.map((line) => [line.id, line])).values()]);
      // Reserved (ahead, or here): released — `own` is the block as reserved.
      if (own) await deps.credits.releaseBlock(block, deps.clock.now(), own.state === 'ACTIVE' ? 'ACTIVE' : undefined);
    },
  };
}

/** The ledger line of one SMS debit (S12): written once its credit is consumed — by this delivery or, if it died before, the next. */
export function lateLedgerLine(ref: CycleRef, at: string): LedgerEntry {
  return { id: smsOperationId(ref), kind: 'sms', change: -CREDITS_PER_MESSAGE, reason: 'payment-notice', subscriptionId: ref.subscriptionId, at };
}

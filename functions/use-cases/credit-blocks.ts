import type { Clock } from '../core/clock.ts';
import type { CreditBlock, CreditKind, Debit, SpendOutcome } from '../domain/credits.ts';
import type { CreditsRepository } from '../adapters/dynamodb/credits.repo.ts';

type Deps = { credits: CreditsRepository; clock: Clock };

/** What a debit needs besides its operation id; the time comes from the clock. */
export type DebitDetails = Omit<Debit, 'operationId' | 'at'>;

export interface CreditBlockSession {
  /** The block as reserved: `granted` credits (0 when the shop had none left: state EMPTY). */
  readonly block: CreditBlock;
  /**
   * Debits one message (S12: one SMS credit; S24: one bulk-mail credit); 'insufficient' once the block is used up (a
   * closed block pays the message through `debitOne`: 'insufficient' then means the balance is dry).
   */
  debit(operationId: string, details: DebitDetails): Promise<SpendOutcome>;
  /** Returns the unused credits to the balance. Call it when the work unit is done, also after failures. */
  release(): Promise<CreditBlock | undefined>;
}

/**
 * Opens a block of credits for one work unit (e.g. one batch of the notice run), so that its messages are
 * debited from the block and the shop's balance item is written twice per block, not once per message.
 *
 * Primary course: up to `want` credits are reserved; each message is debited once (`debit`); the unused
 * rest goes back on `release`. Alternate courses: fewer credits are left than wanted → the block holds what
 * is left, and messages beyond it are 'insufficient'; none are left → EMPTY, every debit is 'insufficient';
 * the work unit is redelivered → `blockId` is derived from it, so the same block (and its debits) is found
 * again, and a message debited through another block before is never debited twice.
 */
export async function openCreditBlock(
  deps: Deps,
  request: { readonly shopId: string; readonly kind: CreditKind; readonly blockId: string; readonly want: number },
): Promise<CreditBlockSession> {
  const ref = { shopId: request.shopId, kind: request.kind, blockId: request.blockId };
  const block = await deps.credits.reserveBlock(ref, request.want, deps.clock.now());
  return {
    block,
    debit: async (operationId, details) => {
      const outcome = await deps.credits.spend(ref, { ...details, operationId, at: deps.clock.now() });
      if (outcome === 'debited') return outcome;
      // A closed block is not a shop out of credits (EMPTY, or ACTIVE and full, is): the end-of-run sweep took it for
      // abandoned (a redelivery carries on with a grant taken more than ABANDONED_AFTER_SECONDS ago, or finds it
      // closed unreserved), or an earlier delivery released it. The message is paid on its own then, as the notice's
      // are (its claim on this block was withdrawn); the balance says whether there is a credit for it.
      if ((await deps.credits.block(ref))?.state !== 'RELEASED') return outcome;
      return debitOne(deps, { shopId: ref.shopId, kind: ref.kind, operationId, ...details });
    },
    release: () => deps.credits.releaseBlock(ref, deps.clock.now(), block.state === 'ACTIVE' ? 'ACTIVE' : undefined),
  };
}

/** Attempts of one single debit, each through a fresh block of one. */
const MAX_SINGLE_ATTEMPTS = 50;

/**
 * Debits one credit for a single message (e.g. the stop cascade's summary mail to the operator, S23, S24),
 * through a block of one named after the operation: rare enough that its extra writes do not matter, and it
 * reuses the one debit path whose crash behaviour is tested.
 *
 * Primary course: a block of one is reserved, the message debited from it, the block released. Alternate
 * courses: debited before → 'debited', nothing more; no credit left → 'insufficient' (a later call may
 * succeed: a closed block is final, so each attempt after a refusal uses the next block, `one:{id}#{n}`).
 */
export async function debitOne(
  deps: Deps,
  request: { readonly shopId: string; readonly kind: CreditKind; readonly operationId: string } & DebitDetails,
): Promise<SpendOutcome> {
  const { shopId, kind, operationId, ...details } = request;
  const applied = (await deps.credits.entry(shopId, operationId))?.applied ?? false;
  for (let attempt = 0; attempt < MAX_SINGLE_ATTEMPTS; attempt += 1) {
    const ref = { shopId, kind, blockId: attempt === 0 ? `one:${operationId}` : `one:${operationId}#${attempt}` };
    const existing = await deps.credits.block(ref);
    const open = existing?.state === 'ACTIVE';
    if (existing && !(open && !applied)) {
      // An earlier attempt's block: make sure it is closed and settled (a crash may have stopped its release).
      // Its debit, if it made one, is found through the ledger entry.
      await deps.credits.releaseBlock(ref, deps.clock.now());
      continue;
    }
    if (!existing && applied) return 'debited';
    // A new attempt, or an earlier one that died with its block open: carry on with that block.
    await deps.credits.reserveBlock(ref, 1, deps.clock.now());
    try {
      return await deps.credits.spend(ref, { ...details, operationId, at: deps.clock.now() });
    } finally {
      await deps.credits.releaseBlock(ref, deps.clock.now());
    }
  }
  throw new Error(`Gave up debiting ${operationId} after ${MAX_SINGLE_ATTEMPTS} attempts`);
}

/**
 * Credits (S12, S24) on the single table, without transactions: every step is
 * one conditional write on one item, and each multi-item effect is ordered so
 * that running it again after a crash at any point completes it exactly once.
 * docs/data-model.md ("Credits") is the prose version; the short form:
 *
 * - Balance item, one per (shop, kind): `balance` (never negative, by
 *   condition), `blocks` (blockId → {g granted, t time, k token}: the one
 *   place a block's grant is decided, kept until the grant is settled, then
 *   removed in the settling write) and `topUps` (operationId → time, pruned
 *   after REMEMBER_SETTLED_SECONDS). Listed in the due index while it may hold
 *   grants, for the end-of-run sweep.
 * - Block item, one per reserved block, in its own partition: a worker takes
 *   credits from the balance once per block and debits its messages from the
 *   block, so the balance sees two writes per block, not one per message.
 *   `spent` is a string set of operation digests: a retried debit is a no-op.
 *   The block names the grant it holds by the grant's token (`k`), so a grant
 *   taken by a stalled attempt for a block that had moved on (an orphan) is
 *   told apart from the block's own and given back whole.
 * - Ledger entry, one per operation: written first (PENDING, bound to the
 *   block it will be spent from), then the credit is consumed, then the entry
 *   is APPLIED and joins the ledger index. Binding the operation to one block
 *   before consuming is what stops a redelivered message from being debited
 *   in two blocks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seoulTimestamp } from '../../core/dates.ts';
import {
  ABANDONED_AFTER_SECONDS,
  assertBlockId,
  assertOperationId,
  BLOCK_RETENTION_SECONDS,
  CREDIT_KINDS,
  CREDITS_PER_MESSAGE,
  MAX_BLOCK_SIZE,
  REMEMBER_SETTLED_SECONDS,
  type BlockState,
  type CreditBalances,
  type CreditBlock,
  type CreditBlockRef,
  type CreditKind,
  type Debit,
  type LedgerEntry,
  type SpendOutcome,
  type TopUp,
  type TopUpOutcome,
} from '../../domain/credits.ts';
import { isConditionFailed } from './client.ts';
import { dueIndexEntries } from './due-work.repo.ts';
import { clientStartKeyRefused, decodeCursor, encodeCursor, indexQueryShape } from './cursor.ts';
import { CREDIT_BALANCES_WITH_GRANTS_PARTITION, creditBalanceListingKeys, creditBalanceOfKey, creditBlockOfKey, creditLedgerPartition, EARLIER_OPEN_CREDIT_BLOCKS_PARTITION, indexKeys, keys, type ItemKey } from './keys.ts';

export interface LedgerPage {
  readonly items: LedgerEntry[];
  readonly nextCursor: string | null;
}

/** An operation's ledger entry, applied or still in flight. */
export interface LedgerRecord {
  readonly entry: LedgerEntry;
  readonly applied: boolean;
}

/**
 * The credits port. Every method is safe to call again after a crash or a
 * timeout at any point, and concurrently with itself.
 */
export interface CreditsRepository {
  /** Adds credits once per operation id (a top-up repeated with the same reference is applied once). */
  topUp(shopId: string, kind: CreditKind, topUp: TopUp): Promise<TopUpOutcome>;
  /**
   * Claims a purchase reference for one top-up request (the amounts by kind): 'claimed' the first time,
   * 'same' when it was claimed for these very amounts (a retry), 'conflict' when for others — whatever the kinds.
   */
  claimReference(shopId: string, reference: string, amounts: Readonly<Partial<Record<CreditKind, number>>>): Promise<'claimed' | 'same' | 'conflict'>;
  /** Spendable balances and what open blocks hold; 0 for a kind never topped up. */
  balances(shopId: string): Promise<CreditBalances>;
  /** Applied entries, newest first. */
  ledger(shopId: string, page: { readonly limit: number; readonly cursor?: string | undefined }): Promise<LedgerPage>;
  /** The entry of one operation: has this debit or top-up been applied? */
  entry(shopId: string, operationId: string): Promise<LedgerRecord | undefined>;
  /**
   * Reserves up to `want` credits for a block (deterministic id from the caller's work unit), or finds the
   * block a previous attempt reserved. Grants what is left when less than `want`; EMPTY when nothing is.
   * A new block with enough credits left costs two writes and no read.
   */
  reserveBlock(block: CreditBlockRef, want: number, now: Date): Promise<CreditBlock>;
  /** Debits one message from the block: 'debited' once per operation id, whatever happens; 'insufficient' when the block is used up. */
  spend(block: CreditBlockRef, debit: Debit): Promise<SpendOutcome>;
  /** A block as it stands, or undefined if it was never reserved. */
  block(block: CreditBlockRef): Promise<CreditBlock | undefined>;
  /**
   * Closes the block and returns what it did not spend to the balance, exactly once. `known: 'ACTIVE'` (the
   * caller reserved it and holds it): try the closing write first, without reading the block before it. A block
   * never reserved is closed with nothing (RELEASED, granted 0), so that no late attempt can reserve it.
   */
  releaseBlock(block: CreditBlockRef, now: Date, known?: 'ACTIVE'): Promise<CreditBlock>;
  /** Releases blocks whose grant is older than ABANDONED_AFTER_SECONDS (their worker died); answers their ids. */
  releaseAbandonedBlocks(shopId: string, kind: CreditKind, now: Date): Promise<string[]>;
  /**
   * Releases every block of every shop whose grant is still unsettled ABANDONED_AFTER_SECONDS after it was taken
   * (its worker died): what each run does when it ends, so that `reserved` returns to 0. Answers the blocks released.
   */
  sweepAbandonedBlocks(now: Date): Promise<CreditBlockRef[]>;
  /**
   * Consumes one credit of the block for each operation, as far as the block holds (in the order given):
   * for callers that bound each operation to this block themselves, before (e.g. on the payment notice's cycle).
   * Answers the operations the block holds — consumed now, or by an earlier attempt. Idempotent.
   * `known`: the block as the caller's `reserveBlock` answered it — ACTIVE with nothing spent, the first write is
   * tried without reading the block before it (conditional on exactly that; refused, it reads and goes round).
   */
  consume(block: CreditBlockRef, operationIds: readonly string[], known?: CreditBlock): Promise<Set<string>>;
  /**
   * Writes the ledger lines of debits consumed through `consume`, once each (APPLIED and listed; a repeat
   * writes the same line again): a batch write, not one request per line.
   */
  recordDebits(shopId: string, debits: readonly LedgerEntry[]): Promise<void>;
}

/**
 * What the balance item remembers of a block's grant until it is settled (then removed, in the settling write);
 * short names because every balance write pays for the item's size.
 */
interface BlockMemo {
  /** Granted. */
  readonly g: number;
  /** Epoch seconds of the take. */
  readonly t: number;
  /**
   * The grant's token: random per take, so that a grant taken by a stalled attempt after the block moved on (an
   * orphan) is told apart from the grant the block holds. A compare-and-set token, not an idempotency key: the
   * block id is that. Absent on memos of the earlier protocol (see `r`).
   */
  readonly k?: string;
  /**
   * The earlier protocol's mark of a settled memo, which it kept for 30 minutes: such a memo is not a grant, and the
   * sweep removes it. A memo with neither `k` nor `r` is the earlier protocol's unsettled grant, of a block without `k`.
   */
  readonly r?: number;
}

interface BalanceItem {
  readonly balance: number;
  readonly blocks?: Record<string, BlockMemo>;
  readonly topUps?: Record<string, number>;
}

interface BlockItem {
  readonly state: BlockState;
  readonly granted?: number;
  readonly spent?: Set<string>;
  /** The token of the grant the block holds (absent when it holds none: EMPTY, or closed unreserved). */
  readonly k?: string;
}

type EntryState = 'PENDING' | 'APPLIED';

/** A ledger entry as stored: the domain's entry plus whether it has been applied, and a debit's block. */
interface EntryItem extends LedgerEntry {
  readonly state: EntryState;
  /** Debits: the block this operation is (to be) spent from. */
  readonly blockId?: string;
}

/** Attempts of a step that loses a race before giving up; each lost race means another writer made progress. */
const MAX_ROUNDS = 100;
/** Settled top-up memos dropped per balance write, to keep the expression small. */
const MAX_PRUNE_PER_WRITE = 40;

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** A grant's token (BlockMemo.k): 48 random bits, compared only among the takes of one block. */
const grantToken = (): string => randomBytes(6).toString('base64url');

/**
 * A debit's member in a block's `spent` set: 66 bits of SHA-256 of the operation id (11 characters). A set makes a
 * repeated debit a no-op; a digest keeps the block item small (a collision within one block, ~10⁻¹⁴, would let one
 * message go free — never debit twice).
 */
export function spendMember(operationId: string): string {
  return createHash('sha256').update(operationId).digest('base64url').slice(0, 11);
}

const emptyBalances = (): { sms: number; bulkMail: number } => ({ sms: 0, bulkMail: 0 });

function toEntry(item: EntryItem): LedgerEntry {
  const { id, kind, change, reason, subscriptionId, jobId, reference, at } = item;
  return {
    id,
    kind,
    change,
    reason,
    ...(subscriptionId !== undefined ? { subscriptionId } : {}),
    ...(jobId !== undefined ? { jobId } : {}),
    ...(reference !== undefined ? { reference } : {}),
    at,
  };
}

function toBlock(ref: CreditBlockRef, item: BlockItem): CreditBlock {
  return {
    shopId: ref.shopId,
    kind: ref.kind,
    blockId: ref.blockId,
    state: item.state,
    granted: item.granted ?? 0,
    spent: item.spent?.size ?? 0,
    // RELEASED freezes `spent` (debits need ACTIVE): what was not spent went back.
    ...(item.state === 'RELEASED' ? { refunded: (item.granted ?? 0) - (item.spent?.size ?? 0) } : {}),
  };
}

export function creditsRepository(db: DynamoDBDocumentClient, tableName: string): CreditsRepository {
  const get = async <T>(key: { pk: string; sk: string }): Promise<T | undefined> => {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return Item as T | undefined;
  };
  /** Runs a conditional write; false when the condition refused it (the state was not what this step expects). */
  const conditional = async (command: PutCommand | UpdateCommand | DeleteCommand): Promise<boolean> => {
    try {
      // One call site for three command types; `send`'s overloads take one type at a time.
      await (db.send as (write: typeof command) => Promise<unknown>).call(db, command);
      return true;
    } catch (error) {
      if (isConditionFailed(error)) return false;
      throw error;
    }
  };

  /** A conditional update answering the item as written (ReturnValues ALL_NEW) instead of a read after it; undefined when refused. */
  const updated = async (command: UpdateCommand): Promise<BlockItem | undefined> => {
    try {
      return (await db.send(command)).Attributes as BlockItem | undefined;
    } catch (error) {
      if (isConditionFailed(error)) return undefined;
      throw error;
    }
  };

  const getBalance = (shopId: string, kind: CreditKind) => get<BalanceItem>(keys.creditBalance(shopId, kind));
  const getBlock = (ref: CreditBlockRef) => get<BlockItem>(keys.creditBlock(ref.shopId, ref.kind, ref.blockId));
  const getEntry = (shopId: string, operationId: string) => get<EntryItem>(keys.creditLedgerEntry(shopId, operationId));

  const removeClause = (paths: string[], names: Record<string, string>, map: string, prefix: string): string => {
    paths.forEach((member, i) => {
      names[`#${prefix}${i}`] = member;
    });
    return paths.length ? ` REMOVE ${paths.map((_, i) => `${map}.#${prefix}${i}`).join(', ')}` : '';
  };

  /** The entry leaves PENDING and joins the ledger index (sparse: only applied entries are listed). */
  const markApplied = async (shopId: string, entry: EntryItem): Promise<void> => {
    await conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.creditLedgerEntry(shopId, entry.id),
        UpdateExpression: 'SET #state = :applied, gsi1pk = :gpk, gsi1sk = :gsk',
        ConditionExpression: '#state = :pending',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':applied': 'APPLIED', ':pending': 'PENDING', ...prefixed(indexKeys.shopLedger(shopId, entry.at, entry.id)) },
      }),
    );
  };

  /** Writes `entry` unless the operation has one already; answers the entry that stands. */
  const putOrGetEntry = async (shopId: string, entry: EntryItem): Promise<EntryItem> => {
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      const created = await conditional(
        new PutCommand({
          TableName: tableName,
          Item: { ...keys.creditLedgerEntry(shopId, entry.id), type: 'creditLedgerEntry', shopId, ...entry },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      if (created) return entry;
      const existing = await getEntry(shopId, entry.id);
      if (existing) return existing;
      // Deleted in between (an 'insufficient' attempt withdrew its claim): claim again.
    }
    throw new Error(`Ledger entry ${entry.id} keeps changing`);
  };

  /** Where a block item lives, with what every block item carries. */
  const blockItem = (ref: CreditBlockRef, item: BlockItem, now: Date) => ({
    ...keys.creditBlock(ref.shopId, ref.kind, ref.blockId),
    type: 'creditBlock',
    shopId: ref.shopId,
    kind: ref.kind,
    blockId: ref.blockId,
    ...item,
    createdAt: seoulTimestamp(now),
    ...(item.state === 'ACTIVE' ? {} : { expiresAt: epochSeconds(now) + BLOCK_RETENTION_SECONDS }),
  });

  /**
   * Takes `granted` credits for the block and records the grant (its memo), in one write on the balance, which it
   * lists for the sweep; false when refused: fewer credits left, or the block has an unsettled grant already.
   */
  const take = (ref: CreditBlockRef, memo: BlockMemo, now: Date): Promise<boolean> => {
    const listing = creditBalanceListingKeys(seoulTimestamp(now));
    return conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.creditBalance(ref.shopId, ref.kind),
        UpdateExpression: 'SET balance = balance - :g, blocks.#b = :memo, duepk = :dpk, duesk = if_not_exists(duesk, :since)',
        ConditionExpression: 'balance >= :g AND attribute_not_exists(blocks.#b)',
        ExpressionAttributeNames: { '#b': ref.blockId },
        ExpressionAttributeValues: { ':g': memo.g, ':memo': memo, ':dpk': listing.duepk, ':since': listing.duesk },
      }),
    );
  };

  /**
   * Writes the block holding the grant `memo` records (ACTIVE), or EMPTY when nothing was granted, unless the block
   * exists already: then answers it as it stands — and gives the grant back whole if the block does not hold it (an
   * orphan: taken by an attempt that stalled while another closed the block, or settled its grant).
   */
  const establish = async (ref: CreditBlockRef, memo: BlockMemo | undefined, now: Date): Promise<BlockItem> => {
    const { written, block } = await putBlock(ref, memo ? { state: 'ACTIVE', granted: memo.g, k: memo.k } : { state: 'EMPTY', granted: 0 }, now);
    if (!written && memo && block.k !== memo.k) await refund(ref, memo.g, memo.k);
    return block;
  };

  /** Writes the block as `item` unless it exists; answers the block that stands, and whether this call wrote it. */
  const putBlock = async (ref: CreditBlockRef, item: BlockItem, now: Date): Promise<{ written: boolean; block: BlockItem }> =>
    (await conditional(new PutCommand({ TableName: tableName, Item: blockItem(ref, item, now), ConditionExpression: 'attribute_not_exists(pk)' })))
      ? { written: true, block: item }
      : { written: false, block: await mustGetBlock(ref) };

  /**
   * Settles a closed block's grant on the balance, if its memo is still there. The normal case is a RELEASED block
   * whose release died before its refund: it returns granted − spent. The other is an orphan (the memo's token is
   * not the block's): it returns the whole grant.
   */
  const settle = async (ref: CreditBlockRef, block: BlockItem): Promise<void> => {
    const memo = (await getBalance(ref.shopId, ref.kind))?.blocks?.[ref.blockId];
    if (!memo || memo.r !== undefined) return;
    const own = block.state === 'RELEASED' && block.k === memo.k;
    await refund(ref, own ? memo.g - (block.spent?.size ?? 0) : memo.g, memo.k);
  };

  /**
   * Returns `amount` to the balance and removes the grant's memo, once: conditional on the memo still naming this
   * grant (its token), so a repeat, or a refund of a grant that is not this one, changes nothing.
   */
  const refund = async (ref: CreditBlockRef, amount: number, token: string | undefined): Promise<void> => {
    await conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.creditBalance(ref.shopId, ref.kind),
        UpdateExpression: 'ADD balance :r REMOVE blocks.#b',
        // No token: the earlier protocol's unsettled grant (a memo with neither `k` nor `r`).
        ConditionExpression: token === undefined ? 'attribute_exists(blocks.#b) AND attribute_not_exists(blocks.#b.k) AND attribute_not_exists(blocks.#b.r)' : 'blocks.#b.k = :k',
        ExpressionAttributeNames: { '#b': ref.blockId },
        ExpressionAttributeValues: { ':r': amount, ...(token === undefined ? {} : { ':k': token }) },
      }),
    );
  };

  /** The closing write's answer, refunded: what an ACTIVE block this call closed did not spend goes back. */
  const refundClosed = async (ref: CreditBlockRef, closed: BlockItem): Promise<CreditBlock> => {
    await refund(ref, (closed.granted ?? 0) - (closed.spent?.size ?? 0), closed.k);
    return toBlock(ref, closed);
  };

  const mustGetBlock = async (ref: CreditBlockRef): Promise<BlockItem> => {
    const block = await getBlock(ref);
    if (!block) throw new Error(`Credit block ${ref.blockId} vanished`);
    return block;
  };

  /** Closes an ACTIVE block (RELEASED freezes `spent`: debits need ACTIVE); the block as closed, or undefined if it was not ACTIVE. */
  const close = (ref: CreditBlockRef, now: Date): Promise<BlockItem | undefined> =>
    updated(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.creditBlock(ref.shopId, ref.kind, ref.blockId),
        UpdateExpression: 'SET #state = :to, expiresAt = :expires',
        ConditionExpression: '#state = :from',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':from': 'ACTIVE', ':to': 'RELEASED', ':expires': epochSeconds(now) + BLOCK_RETENTION_SECONDS },
        ReturnValues: 'ALL_NEW',
      }),
    );

  /**
   * Adds the operation to the block's spent set if the block is ACTIVE and has room (or has it already).
   * - `held`: the block holds the operation (now or from an earlier attempt);
   * - `never`: final — the block is closed, or full without it (a block never returns to ACTIVE, its set only grows);
   * - `missing`: the block does not exist (yet: an attempt that took its grant may be about to write it), so no
   *   answer is final until it is closed;
   * - `again`: it was written (ACTIVE, with room) between the write and the read.
   */
  const consume = async (ref: CreditBlockRef, member: string): Promise<'held' | 'never' | 'missing' | 'again'> => {
    const added = await conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.creditBlock(ref.shopId, ref.kind, ref.blockId),
        UpdateExpression: 'ADD #spent :members',
        ConditionExpression: '#state = :active AND (attribute_not_exists(#spent) OR size(#spent) < granted OR contains(#spent, :member))',
        ExpressionAttributeNames: { '#state': 'state', '#spent': 'spent' },
        ExpressionAttributeValues: { ':members': new Set([member]), ':member': member, ':active': 'ACTIVE' },
      }),
    );
    if (added) return 'held';
    const block = await getBlock(ref);
    if (block?.spent?.has(member)) return 'held';
    if (!block) return 'missing';
    if (block.state === 'ACTIVE' && (block.spent?.size ?? 0) < (block.granted ?? 0)) return 'again';
    return 'never';
  };

  /**
   * Moves a PENDING debit off the block it is bound to — to `to`, or away (deleted) — provided it is still bound
   * there. Only called once that block can never hold the operation, so no credit is lost or spent twice.
   */
  const unbind = (shopId: string, entry: EntryItem, to: string | undefined): Promise<boolean> => {
    const target = {
      TableName: tableName,
      Key: keys.creditLedgerEntry(shopId, entry.id),
      ConditionExpression: '#state = :pending AND blockId = :bound',
      ExpressionAttributeNames: { '#state': 'state' },
    };
    const values = { ':pending': 'PENDING', ':bound': entry.blockId };
    return to === undefined
      ? conditional(new DeleteCommand({ ...target, ExpressionAttributeValues: values }))
      : conditional(new UpdateCommand({ ...target, UpdateExpression: 'SET blockId = :to', ExpressionAttributeValues: { ...values, ':to': to } }));
  };

  /** Visits each item the due index lists under `partition` since before `cutoff` (the sweep's reads). */
  const eachListedBefore = async (partition: string, cutoff: string, visit: (key: ItemKey) => Promise<void>): Promise<void> => {
    for await (const { pk, sk } of dueIndexEntries(db, tableName, { partition, before: cutoff })) await visit({ pk, sk });
  };

  const repository: CreditsRepository = {
    async claimReference(shopId, reference, amounts) {
      const requested = Object.fromEntries(CREDIT_KINDS.map((kind) => [kind, amounts[kind] ?? 0]));
      const key = keys.topUpReference(shopId, reference);
      const item = { ...key, type: 'topUpReference', shopId, reference, amounts: requested };
      if (await conditional(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }))) return 'claimed';
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
      const claimed = (Item?.amounts ?? {}) as Record<string, number>;
      return CREDIT_KINDS.every((kind) => claimed[kind] === requested[kind]) ? 'same' : 'conflict';
    },

    async topUp(shopId, kind, topUp) {
      assertOperationId(topUp.operationId);
      if (!Number.isInteger(topUp.amount) || topUp.amount <= 0) throw new Error(`A top-up adds a positive whole number of credits, not ${topUp.amount}`);
      const now = topUp.at;
      // 1. The entry first (PENDING): the durable record that this top-up is under way.
      const entry = await putOrGetEntry(shopId, {
        id: topUp.operationId,
        kind,
        change: topUp.amount,
        reason: 'top-up',
        reference: topUp.reference,
        at: seoulTimestamp(topUp.at),
        state: 'PENDING',
      });
      if (entry.kind !== kind || entry.change !== topUp.amount || entry.reason !== 'top-up') return 'reference-conflict';
      if (entry.state === 'APPLIED') return 'already-applied';

      // 2. The balance, once per operation: `topUps` remembers the operation until it is settled and old.
      let balance = await getBalance(shopId, kind);
      if (!balance) {
        await conditional(
          new PutCommand({
            TableName: tableName,
            Item: { ...keys.creditBalance(shopId, kind), type: 'creditBalance', shopId, kind, balance: 0, blocks: {}, topUps: {} },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        balance = { balance: 0, blocks: {}, topUps: {} };
      }
      // Forget old top-ups only once their entries are APPLIED; a PENDING one whose memo is here was added to the
      // balance by a run that died before step 3, so it is completed now (the memo is the proof).
      const horizon = epochSeconds(now) - REMEMBER_SETTLED_SECONDS;
      const forget: string[] = [];
      for (const [operationId, t] of Object.entries(balance.topUps ?? {})) {
        if (t >= horizon || operationId === topUp.operationId || forget.length >= MAX_PRUNE_PER_WRITE) continue;
        const old = await getEntry(shopId, operationId);
        if (old?.state === 'PENDING') await markApplied(shopId, old);
        forget.push(operationId);
      }
      const names: Record<string, string> = { '#op': topUp.operationId };
      await conditional(
        new UpdateCommand({
          TableName: tableName,
          Key: keys.creditBalance(shopId, kind),
          UpdateExpression: `ADD balance :n SET topUps.#op = :t${removeClause(forget, names, 'topUps', 'f')}`,
          ConditionExpression: 'attribute_not_exists(topUps.#op)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':n': topUp.amount, ':t': epochSeconds(now) },
        }),
      );
      // Refused: a previous run already added it (the memo is there). Either way, record it.
      // 3. The entry becomes APPLIED and visible in the ledger.
      await markApplied(shopId, entry);
      return 'applied';
    },

    async balances(shopId) {
      const items = await Promise.all(CREDIT_KINDS.map((kind) => getBalance(shopId, kind)));
      const spendable = emptyBalances();
      const reserved = emptyBalances();
      CREDIT_KINDS.forEach((kind, i) => {
        const item = items[i];
        spendable[kind] = item?.balance ?? 0;
        reserved[kind] = Object.values(item?.blocks ?? {}).reduce((sum, memo) => (memo.r === undefined ? sum + memo.g : sum), 0);
      });
      return { ...spendable, reserved };
    },

    async ledger(shopId, page) {
      const partition = creditLedgerPartition(shopId);
      const startKey = decodeCursor(page.cursor, indexQueryShape(partition));
      const result = await clientStartKeyRefused(startKey !== undefined, () =>
        db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: partition.index,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': partition.attribute },
            ExpressionAttributeValues: { ':pk': partition.value },
            ScanIndexForward: false,
            Limit: page.limit,
            ExclusiveStartKey: startKey,
          }),
        ),
      );
      return { items: (result.Items ?? []).map((item) => toEntry(item as EntryItem)), nextCursor: encodeCursor(result.LastEvaluatedKey) };
    },

    async entry(shopId, operationId) {
      const item = await getEntry(shopId, operationId);
      return item ? { entry: toEntry(item), applied: item.state === 'APPLIED' } : undefined;
    },

    async block(ref) {
      const item = await getBlock(ref);
      return item ? toBlock(ref, item) : undefined;
    },

    async reserveBlock(ref, want, now) {
      assertBlockId(ref.blockId);
      if (!Number.isInteger(want) || want < 1 || want > MAX_BLOCK_SIZE) throw new Error(`A block holds 1–${MAX_BLOCK_SIZE} credits, not ${want}`);
      const token = grantToken();
      // 1. The grant, decided once on the balance: the write that takes it records it (the memo), and while a memo
      // stands no other take for the block succeeds. Tried first without a read, for all of `want`.
      let granted = want;
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const memo: BlockMemo = { g: granted, t: epochSeconds(now), k: token };
        // 2. The block, holding the grant. A crash before this is repaired by the next attempt (it finds the memo).
        if (await take(ref, memo, now)) return toBlock(ref, await establish(ref, memo, now));
        // Refused: fewer credits than that are left, or the block has a grant already (an earlier or concurrent
        // attempt's: write the block with it, or find it written).
        const balance = await getBalance(ref.shopId, ref.kind);
        const decided = balance?.blocks?.[ref.blockId];
        if (decided) return toBlock(ref, await establish(ref, decided, now));
        const available = balance?.balance ?? 0;
        // Nothing left: EMPTY, with no balance write. A concurrent attempt that still finds credits gives them back (establish).
        if (available <= 0) return toBlock(ref, await establish(ref, undefined, now));
        granted = Math.min(want, available);
      }
      throw new Error(`Could not reserve credit block ${ref.blockId}: the balance kept changing`);
    },

    async spend(ref, debit) {
      assertOperationId(debit.operationId);
      const member = spendMember(debit.operationId);
      const claim: EntryItem = {
        id: debit.operationId,
        kind: ref.kind,
        change: -CREDITS_PER_MESSAGE,
        reason: debit.reason,
        ...(debit.subscriptionId !== undefined ? { subscriptionId: debit.subscriptionId } : {}),
        ...(debit.jobId !== undefined ? { jobId: debit.jobId } : {}),
        at: seoulTimestamp(debit.at),
        state: 'PENDING',
        blockId: ref.blockId,
      };
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        // 1. Bind the operation to one block (the entry, PENDING). An earlier attempt's binding stands.
        const entry = await putOrGetEntry(ref.shopId, claim);
        if (entry.kind !== ref.kind || entry.change !== claim.change || entry.blockId === undefined) {
          throw new Error(`Operation ${debit.operationId} is already used for another ledger entry`);
        }
        if (entry.state === 'APPLIED') return 'debited';
        const bound: CreditBlockRef = { ...ref, blockId: entry.blockId };
        // 2. Consume from the bound block (idempotent: a set member).
        const consumed = await consume(bound, member);
        if (consumed === 'held') {
          // 3. Record it: APPLIED, and listed.
          await markApplied(ref.shopId, entry);
          return 'debited';
        }
        if (consumed === 'again') continue;
        const mine = bound.blockId === ref.blockId;
        if (consumed === 'missing' && !mine) {
          // A previous attempt's block that was never written (its attempt died after taking the grant, or before):
          // close it for good (its grant, if any, goes back), then look again: it can never hold the operation then.
          await repository.releaseBlock(bound, debit.at);
          continue;
        }
        // `never` (or our own block missing: never reserved): the bound block can never hold this operation.
        if (mine) {
          // Our own block is used up: withdraw the claim, so that a later attempt may bind to another block.
          if (await unbind(ref.shopId, entry, undefined)) return 'insufficient';
        } else {
          // A previous attempt's block: rebind to ours and go round again (whoever wins, the entry says where).
          await unbind(ref.shopId, entry, ref.blockId);
        }
      }
      throw new Error(`Could not debit ${debit.operationId}: its ledger entry kept changing`);
    },

    async releaseBlock(ref, now, known) {
      // Never written (its attempt died before, or is still between its take and its write): closed with nothing
      // (RELEASED, granted 0), so that no late attempt writes it.
      const read = async () => (await getBlock(ref)) ?? (await putBlock(ref, { state: 'RELEASED', granted: 0 }, now)).block;
      // Known ACTIVE (its caller holds it): the closing write first, without a read before it.
      let block = known === 'ACTIVE' ? undefined : await read();
      if (block === undefined || block.state === 'ACTIVE') {
        // 1. Close the block: RELEASED freezes `spent` (debits need ACTIVE), so the rest is final.
        // 2. Refund the rest on the balance, removing the memo. A crash between 1 and 2 leaves a RELEASED block with
        // its memo: the next releaseBlock settles it, or the sweep, which finds every memo on a listed balance.
        const closed = await close(ref, now);
        if (closed) return refundClosed(ref, closed);
        block = await read();
      }
      await settle(ref, block);
      return toBlock(ref, block);
    },

    async releaseAbandonedBlocks(shopId, kind, now) {
      const cutoff = epochSeconds(now) - ABANDONED_AFTER_SECONDS;
      const memos = Object.entries((await getBalance(shopId, kind))?.blocks ?? {});
      const abandoned = memos.flatMap(([blockId, memo]) => (memo.r === undefined && memo.t < cutoff ? [blockId] : []));
      for (const blockId of abandoned) await repository.releaseBlock({ shopId, kind, blockId }, now);
      // The earlier protocol's settled memos, which it kept for a while: not grants, removed once.
      for (const [blockId, memo] of memos) {
        if (memo.r === undefined) continue;
        await conditional(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.creditBalance(shopId, kind),
            UpdateExpression: 'REMOVE blocks.#b',
            ConditionExpression: 'attribute_exists(blocks.#b.r)',
            ExpressionAttributeNames: { '#b': blockId },
          }),
        );
      }
      return abandoned;
    },

    async sweepAbandonedBlocks(now) {
      // A balance listed since after the cutoff holds no grant older than it (its listing began at or before its grants).
      const cutoff = seoulTimestamp(new Date(now.getTime() - ABANDONED_AFTER_SECONDS * 1000));
      const released: CreditBlockRef[] = [];
      await eachListedBefore(CREDIT_BALANCES_WITH_GRANTS_PARTITION, cutoff, async (key) => {
        const balance = creditBalanceOfKey(key);
        if (!balance) return;
        const { shopId, kind } = balance;
        for (const blockId of await repository.releaseAbandonedBlocks(shopId, kind, now)) released.push({ shopId, kind, blockId });
        // No grant left: off the listing (the next take lists it again). Grants still young: listed, for the next sweep.
        await conditional(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.creditBalance(shopId, kind),
            UpdateExpression: 'REMOVE duepk, duesk',
            ConditionExpression: 'size(blocks) = :none',
            ExpressionAttributeValues: { ':none': 0 },
          }),
        );
      });
      // Upgrade only: blocks the earlier protocol listed, opened before the cutoff (their worker is gone), released —
      // their grant's memo is settled whatever its balance's listing — then taken off that listing.
      await eachListedBefore(EARLIER_OPEN_CREDIT_BLOCKS_PARTITION, cutoff, async (key) => {
        const ref = creditBlockOfKey(key);
        if (!ref) return;
        await repository.releaseBlock(ref, now);
        await conditional(
          new UpdateCommand({
            TableName: tableName,
            Key: key,
            UpdateExpression: 'REMOVE duepk, duesk',
            ConditionExpression: 'duepk = :earlier',
            ExpressionAttributeValues: { ':earlier': EARLIER_OPEN_CREDIT_BLOCKS_PARTITION },
          }),
        );
        released.push(ref);
      });
      return released;
    },

    async consume(ref, operationIds, known) {
      operationIds.forEach(assertOperationId);
      const members = new Map(operationIds.map((id) => [spendMember(id), id]));
      // A block just reserved and not spent from: its first write needs no read (a stale guess fails the condition).
      const fresh: BlockItem | undefined = known?.state === 'ACTIVE' && known.spent === 0 && known.blockId === ref.blockId ? { state: 'ACTIVE', granted: known.granted } : undefined;
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const block = round === 0 && fresh ? fresh : await getBlock(ref);
        const spent = block?.spent ?? new Set<string>();
        const held = new Set([...members].filter(([member]) => spent.has(member)).map(([, id]) => id));
        if (!block || block.state !== 'ACTIVE') return held;
        const room = (block.granted ?? 0) - spent.size;
        const take = [...members.keys()].filter((member) => !spent.has(member)).slice(0, Math.max(room, 0));
        if (take.length === 0) return held;
        // One write for all of them, expecting the set as read: a concurrent consumer makes it go round again.
        const added = await conditional(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.creditBlock(ref.shopId, ref.kind, ref.blockId),
            UpdateExpression: 'ADD #spent :members',
            ConditionExpression: spent.size === 0 ? '#state = :active AND attribute_not_exists(#spent)' : '#state = :active AND size(#spent) = :size',
            ExpressionAttributeNames: { '#state': 'state', '#spent': 'spent' },
            ExpressionAttributeValues: { ':members': new Set(take), ':active': 'ACTIVE', ...(spent.size === 0 ? {} : { ':size': spent.size }) },
          }),
        );
        if (added) return new Set([...held, ...take.map((member) => members.get(member)!)]);
      }
      throw new Error(`Could not consume from credit block ${ref.blockId}: it kept changing`);
    },

    async recordDebits(shopId, debits) {
      const puts = debits.map((debit) => {
        assertOperationId(debit.id);
        const item: EntryItem = { ...debit, state: 'APPLIED' };
        return { PutRequest: { Item: { ...keys.creditLedgerEntry(shopId, debit.id), type: 'creditLedgerEntry', shopId, ...item, ...indexKeys.shopLedger(shopId, debit.at, debit.id) } } };
      });
      // BatchWriteItem: 25 a request; what DynamoDB leaves unprocessed goes again.
      for (let start = 0; start < puts.length; start += 25) {
        let pending: typeof puts = puts.slice(start, start + 25);
        for (let round = 0; pending.length > 0; round += 1) {
          if (round > 8) throw new Error('BatchWriteItem left ledger lines unprocessed after 8 retries');
          if (round > 0) await new Promise((resolve) => setTimeout(resolve, 2 ** round * 10));
          const result = await db.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
          pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof puts;
        }
      }
    },
  };
  return repository;
}

/** `{gsi1pk: 'x'}` → `{':gpk': 'x'}` for the ledger index attributes. */
function prefixed(index: { gsi1pk: string; gsi1sk: string }): Record<string, string> {
  return { ':gpk': index.gsi1pk, ':gsk': index.gsi1sk };
}

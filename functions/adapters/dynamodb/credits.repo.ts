/**
 * Credits (S12, S24) on the single table, without transactions: every step is
 * one conditional write on one item, and each multi-item effect is ordered so
 * that running it again after a crash at any point completes it exactly once.
 * docs/data-model.md ("Credits") is the prose version; the short form:
 *
 * - Balance item, one per (shop, kind): `balance` (never negative, by
 *   condition), `blocks` (blockId → {g granted, t time, r refunded}: the one
 *   place a block's grant is decided) and `topUps` (operationId → time).
 *   Settled members are pruned after REMEMBER_SETTLED_SECONDS.
 * - Block item, one per reserved block, in its own partition: a worker takes
 *   credits from the balance once per block and debits its messages from the
 *   block, so the balance sees two writes per block, not one per message.
 *   `spent` is a string set of operation digests: a retried debit is a no-op.
 * - Ledger entry, one per operation: written first (PENDING, bound to the
 *   block it will be spent from), then the credit is consumed, then the entry
 *   is APPLIED and joins the ledger index. Binding the operation to one block
 *   before consuming is what stops a redelivered message from being debited
 *   in two blocks.
 */
import { createHash } from 'node:crypto';
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
import { clientStartKeyRefused, decodeCursor, encodeCursor, indexQueryShape } from './cursor.ts';
import { creditBlockOfKey, creditLedgerPartition, indexKeys, keys, OPEN_CREDIT_BLOCKS_PARTITION, openCreditBlockIndexKeys } from './keys.ts';

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
   */
  reserveBlock(block: CreditBlockRef, want: number, now: Date): Promise<CreditBlock>;
  /** Debits one message from the block: 'debited' once per operation id, whatever happens; 'insufficient' when the block is used up. */
  spend(block: CreditBlockRef, debit: Debit): Promise<SpendOutcome>;
  /** A block as it stands, or undefined if it was never reserved. */
  block(block: CreditBlockRef): Promise<CreditBlock | undefined>;
  /**
   * Closes the block and returns what it did not spend to the balance, exactly once. `known: 'ACTIVE'` (the
   * caller reserved it and holds it): try the closing write first, without reading the block before it.
   */
  releaseBlock(block: CreditBlockRef, now: Date, known?: 'ACTIVE'): Promise<CreditBlock | undefined>;
  /** Releases blocks whose worker died (open longer than ABANDONED_AFTER_SECONDS); answers their ids. */
  releaseAbandonedBlocks(shopId: string, kind: CreditKind, now: Date): Promise<string[]>;
  /**
   * Releases every block of every shop still open ABANDONED_AFTER_SECONDS after it was opened (its worker
   * died): what each run does when it ends, so that `reserved` returns to 0. Answers the blocks released.
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

/** What the balance item remembers of one block; short names because every balance write pays for the item's size. */
interface BlockMemo {
  /** Granted. */
  readonly g: number;
  /** Epoch seconds of the last change. */
  readonly t: number;
  /** Refunded at release; present once the block is settled. */
  readonly r?: number;
}

interface BalanceItem {
  readonly balance: number;
  readonly blocks?: Record<string, BlockMemo>;
  readonly topUps?: Record<string, number>;
}

interface BlockItem {
  readonly state: BlockState;
  readonly want: number;
  readonly granted?: number;
  readonly spent?: Set<string>;
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
/** Settled memos dropped per balance write, to keep the expression small. */
const MAX_PRUNE_PER_WRITE = 40;

const epochSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

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

  /** Settled memos old enough that no worker can still act on what they record (REMEMBER_SETTLED_SECONDS). */
  const prunable = (balance: BalanceItem, now: Date): string[] => {
    const horizon = epochSeconds(now) - REMEMBER_SETTLED_SECONDS;
    return Object.entries(balance.blocks ?? {})
      .filter(([, memo]) => memo.r !== undefined && memo.t < horizon)
      .slice(0, MAX_PRUNE_PER_WRITE)
      .map(([blockId]) => blockId);
  };
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

  /** Block RESERVING → ACTIVE with the grant the balance item decided; settles an orphaned grant if the block moved on. */
  const activate = async (ref: CreditBlockRef, granted: number, now: Date): Promise<BlockItem> => {
    const activated = await updated(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.creditBlock(ref.shopId, ref.kind, ref.blockId),
        UpdateExpression: 'SET #state = :active, granted = :g',
        ConditionExpression: '#state = :reserving',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':reserving': 'RESERVING', ':g': granted },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (activated) return activated;
    const block = await mustGetBlock(ref);
    if (block.state === 'EMPTY' || block.state === 'RELEASED') await settle(ref, block, now);
    return block;
  };

  /**
   * Settles a closed block's memo on the balance, once (`r` is the guard), reading the memo. The normal case is a
   * RELEASED block whose release died before its refund: it returns granted − spent. The other is an orphan: a
   * grant decided by a concurrent attempt after the block had closed EMPTY or RELEASED without it (its `granted`
   * differs); it returns the whole grant.
   */
  const settle = async (ref: CreditBlockRef, block: BlockItem, now: Date): Promise<void> => {
    const memo = (await getBalance(ref.shopId, ref.kind))?.blocks?.[ref.blockId];
    if (!memo || memo.r !== undefined) return;
    const own = block.state === 'RELEASED' && (block.granted ?? 0) === memo.g;
    await refund(ref, own ? memo.g - (block.spent?.size ?? 0) : memo.g, memo.g, now);
  };

  /** Returns `amount` to the balance and marks the block's memo settled: once, guarded by the memo's `r`. */
  const refund = async (ref: CreditBlockRef, amount: number, granted: number, now: Date): Promise<void> => {
    await conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.creditBalance(ref.shopId, ref.kind),
        UpdateExpression: 'ADD balance :r SET blocks.#b.r = :r, blocks.#b.t = :t',
        ConditionExpression: 'attribute_exists(blocks.#b) AND attribute_not_exists(blocks.#b.r) AND blocks.#b.g = :g',
        ExpressionAttributeNames: { '#b': ref.blockId },
        ExpressionAttributeValues: { ':r': amount, ':g': granted, ':t': epochSeconds(now) },
      }),
    );
  };

  /**
   * Takes a closed block out of the open-block listing, once its memo on the balance is settled. Closing and refunding
   * are writes to two items: were the block unlisted when it closed, a worker dying between the two would leave its
   * credits reserved with nothing listing the block for the sweep (issue 17). Listed until settled, the sweep finds it.
   */
  const unlist = async (ref: CreditBlockRef): Promise<void> => {
    await conditional(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.creditBlock(ref.shopId, ref.kind, ref.blockId),
        UpdateExpression: 'REMOVE duepk, duesk',
        ConditionExpression: 'attribute_exists(duepk)',
      }),
    );
  };

  const mustGetBlock = async (ref: CreditBlockRef): Promise<BlockItem> => {
    const block = await getBlock(ref);
    if (!block) throw new Error(`Credit block ${ref.blockId} vanished`);
    return block;
  };

  /** Closes a block (EMPTY or RELEASED) if it is still `from`; answers whether this call closed it, and the block. */
  const close = async (ref: CreditBlockRef, from: BlockState, to: 'EMPTY' | 'RELEASED', now: Date, granted?: number): Promise<{ closed: boolean; block: BlockItem }> => {
    const closed = await updated(
      new UpdateCommand({
        TableName: tableName,
        Key: keys.creditBlock(ref.shopId, ref.kind, ref.blockId),
        // Closed, but still in the open-block listing the sweep reads until its memo is settled (`unlist`).
        UpdateExpression: `SET #state = :to, expiresAt = :expires${granted === undefined ? '' : ', granted = :g'}`,
        ConditionExpression: '#state = :from',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':from': from, ':to': to, ':expires': epochSeconds(now) + BLOCK_RETENTION_SECONDS, ...(granted === undefined ? {} : { ':g': granted }) },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return closed ? { closed: true, block: closed } : { closed: false, block: await mustGetBlock(ref) };
  };

  /**
   * Adds the operation to the block's spent set if the block is ACTIVE and has room (or has it already).
   * - `held`: the block holds the operation (now or from an earlier attempt);
   * - `never`: final — the block is closed, or full without it (a block never returns to ACTIVE, its set only grows),
   *   or it does not exist;
   * - `reserving`: the block has not finished its reservation, so neither answer is final yet;
   * - `again`: it became ACTIVE between the write and the read.
   */
  const consume = async (ref: CreditBlockRef, member: string): Promise<'held' | 'never' | 'reserving' | 'again'> => {
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
    if (!block) return 'never';
    if (block.state === 'RESERVING') return 'reserving';
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
      const blockKey = keys.creditBlock(ref.shopId, ref.kind, ref.blockId);
      // 1. The block item, RESERVING (or the one a previous attempt created: its state says how far it got). Put
      // first, read only when refused: a new block costs no read. Listed as open until it closes (the sweep).
      const fresh: BlockItem = { state: 'RESERVING', want };
      const openedAt = seoulTimestamp(now);
      const created = await conditional(
        new PutCommand({
          TableName: tableName,
          Item: { ...blockKey, type: 'creditBlock', shopId: ref.shopId, kind: ref.kind, blockId: ref.blockId, ...fresh, createdAt: openedAt, ...openCreditBlockIndexKeys(openedAt) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      const block = created ? fresh : await getBlock(ref);
      if (!block) throw new Error(`Credit block ${ref.blockId} vanished`);
      if (block.state !== 'RESERVING') return toBlock(ref, block);

      // 2. The grant, decided once on the balance item: `blocks.{id}` records it in the same write that takes it.
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const balance = await getBalance(ref.shopId, ref.kind);
        const memo = balance?.blocks?.[ref.blockId];
        if (memo && memo.r === undefined) return toBlock(ref, await activate(ref, memo.g, now)); // decided by an earlier or concurrent attempt
        const available = balance?.balance ?? 0;
        if (!balance || memo || available <= 0) {
          // Nothing to take (a settled memo cannot belong to a RESERVING block; treat it as nothing): no balance
          // write. A concurrent attempt that still finds credits settles them itself (activate).
          return toBlock(ref, (await close(ref, 'RESERVING', 'EMPTY', now, 0)).block);
        }
        const granted = Math.min(block.want, available);
        const names: Record<string, string> = { '#b': ref.blockId };
        const decided = await conditional(
          new UpdateCommand({
            TableName: tableName,
            Key: keys.creditBalance(ref.shopId, ref.kind),
            UpdateExpression: `SET balance = balance - :g, blocks.#b = :memo${removeClause(prunable(balance, now), names, 'blocks', 'p')}`,
            ConditionExpression: 'balance >= :g AND attribute_not_exists(blocks.#b)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: { ':g': granted, ':memo': { g: granted, t: epochSeconds(now) } satisfies BlockMemo },
          }),
        );
        // 3. The block takes the grant. A crash before this is repaired by the next attempt (step 2 finds the memo).
        if (decided) return toBlock(ref, await activate(ref, granted, now));
        // Refused: the balance moved (another block took credits) or this block was just decided; look again.
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
        if (consumed === 'reserving') {
          if (mine) {
            await unbind(ref.shopId, entry, undefined);
            throw new Error(`Credit block ${ref.blockId} is not reserved yet: reserveBlock first`);
          }
          // A previous attempt's block, stuck half-reserved: settle it (activate or close), then look again.
          await repository.releaseBlock(bound, debit.at);
          continue;
        }
        // `never`: the bound block can never hold this operation.
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
      if (known === 'ACTIVE') {
        const closed = await updated(
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
        if (closed) {
          await refund(ref, (closed.granted ?? 0) - (closed.spent?.size ?? 0), closed.granted ?? 0, now);
          await unlist(ref);
          return toBlock(ref, closed);
        }
      }
      let block = await getBlock(ref);
      if (!block) return undefined;
      if (block.state === 'RESERVING') {
        const memo = (await getBalance(ref.shopId, ref.kind))?.blocks?.[ref.blockId];
        // Its grant was taken before the worker died: activate it, and release it below. Or nothing was taken: close
        // it (a concurrent attempt that takes credits after this settles them itself, in activate).
        block = memo && memo.r === undefined ? await activate(ref, memo.g, now) : (await close(ref, 'RESERVING', 'RELEASED', now, 0)).block;
      }
      if (block.state === 'ACTIVE') {
        // 1. Close the block: RELEASED freezes `spent` (debits need ACTIVE), so the rest is final.
        const result = await close(ref, 'ACTIVE', 'RELEASED', now);
        block = result.block;
        // 2. Refund the rest on the balance, guarded by the memo. A crash between 1 and 2 leaves a RELEASED
        // block with an unsettled memo: the next releaseBlock (or the sweep, which finds every unsettled memo) settles it.
        if (result.closed) {
          await refund(ref, (block.granted ?? 0) - (block.spent?.size ?? 0), block.granted ?? 0, now);
          await unlist(ref);
          return toBlock(ref, block);
        }
      }
      if (block.state === 'RELEASED' || block.state === 'EMPTY') {
        await settle(ref, block, now);
        await unlist(ref);
      }
      return toBlock(ref, block);
    },

    async releaseAbandonedBlocks(shopId, kind, now) {
      const balance = await getBalance(shopId, kind);
      const cutoff = epochSeconds(now) - ABANDONED_AFTER_SECONDS;
      const released: string[] = [];
      for (const [blockId, memo] of Object.entries(balance?.blocks ?? {})) {
        if (memo.r !== undefined || memo.t >= cutoff) continue;
        const ref = { shopId, kind, blockId };
        if (await getBlock(ref)) await repository.releaseBlock(ref, now);
        else await refund(ref, memo.g, memo.g, now); // no block holds it (cannot happen while blocks outlive memos)
        released.push(blockId);
      }
      return released;
    },

    async sweepAbandonedBlocks(now) {
      const cutoff = seoulTimestamp(new Date(now.getTime() - ABANDONED_AFTER_SECONDS * 1000));
      const released: CreditBlockRef[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await db.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: 'due',
            KeyConditionExpression: 'duepk = :pk AND duesk < :cutoff',
            ExpressionAttributeValues: { ':pk': OPEN_CREDIT_BLOCKS_PARTITION, ':cutoff': cutoff },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const ref = creditBlockOfKey({ pk: String(item.pk), sk: String(item.sk) });
          if (!ref) continue;
          await repository.releaseBlock(ref, now);
          released.push(ref);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return released;
    },

    async consume(ref, operationIds, known) {
      operationIds.forEach(assertOperationId);
      const members = new Map(operationIds.map((id) => [spendMember(id), id]));
      // A block just reserved and not spent from: its first write needs no read (a stale guess fails the condition).
      const fresh: BlockItem | undefined = known?.state === 'ACTIVE' && known.spent === 0 && known.blockId === ref.blockId ? { state: 'ACTIVE', want: known.granted, granted: known.granted } : undefined;
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

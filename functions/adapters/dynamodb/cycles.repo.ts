/**
 * Cycles — one delivery each (docs/data-model.md, entity "Cycle"), in their
 * subscription's partition, keyed by delivery date. The domain
 * (functions/domain/cycle.ts) decides every change; this adapter writes it as
 * one conditional whole-item put, with the index attributes the new state
 * implies derived in one place (`cycleIndexAttributes`): the due index while
 * a run has work on the cycle, the shop's orders once it is CHARGED, the
 * shop's review list while it waits for an operator (REVIEW).
 */
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dueOf, inReview, isOrder, type Cycle, type CycleRef, type CycleState, type Expectation } from '../../domain/cycle.ts';
import { writeIfCondition } from './client.ts';
import { dueIndexKeys, indexKeys, keys } from './keys.ts';

export interface CyclesRepository {
  /** One cycle, strongly consistent (the index is a hint, the item the truth). */
  get(ref: CycleRef): Promise<Cycle | undefined>;
  /**
   * Plans a delivery: stores the SCHEDULED cycle unless its key holds one
   * already (true when this call stored it). With `replaceScheduled`, a
   * SCHEDULED cycle there is replaced (a late notice moving onto a stale plan).
   */
  schedule(cycle: Cycle, options?: { readonly replaceScheduled?: boolean }): Promise<boolean>;
  /** Stores any cycle unless one exists at its key (tests, and states built outside the runs). */
  create(cycle: Cycle): Promise<boolean>;
  /** Writes a transition's next state only if the stored cycle still meets `expect` (status, attempt, claim). */
  write(next: Cycle, expect: Expectation): Promise<boolean>;
  /** Deletes a plan that no longer holds (or a lock a late notice moved), only while it is still `status`. */
  withdraw(ref: CycleRef, status: CycleState): Promise<boolean>;
}

/** Index attributes a cycle may carry; a whole-item put drops those its state does not set. */
export function cycleIndexAttributes(cycle: Cycle): Record<string, string> {
  const due = dueOf(cycle);
  if (due) return dueIndexKeys(due.kind, due.date, cycle.shopId, cycle.subscriptionId);
  if (isOrder(cycle)) return indexKeys.shopOrders(cycle.shopId, cycle.chargedAt, cycle.orderId);
  // A cycle in REVIEW is in its shop's review list until an operator resolves it (gsi4, sparse).
  if (inReview(cycle)) return indexKeys.cycleInReview(cycle.shopId, cycle.deliveryDate, cycle.subscriptionId);
  // A payment that failed for good is in its shop's failed list (gsi3, sparse) until a retry claims it (issue 13).
  if (cycle.status === 'FAILED' && cycle.failedAt !== undefined) return indexKeys.failedCycle(cycle.shopId, cycle.failedAt, cycle.subscriptionId, cycle.deliveryDate);
  return {};
}

const STORAGE = new Set(['pk', 'sk', 'type', 'duepk', 'duesk', 'gsi1pk', 'gsi1sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk']);

/** The domain's cycle from a stored item (storage attributes dropped). */
export function toCycle(item: Record<string, unknown>): Cycle {
  return Object.fromEntries(Object.entries(item).filter(([name]) => !STORAGE.has(name))) as unknown as Cycle;
}

const itemOf = (cycle: Cycle) => ({ ...keys.cycle(cycle.subscriptionId, cycle.deliveryDate), type: 'cycle', ...cycle, ...cycleIndexAttributes(cycle) });

export function cyclesRepository(db: DynamoDBDocumentClient, tableName: string): CyclesRepository {
  const put = (cycle: Cycle, condition: string, names?: Record<string, string>, values?: Record<string, unknown>) =>
    writeIfCondition(() =>
      db.send(new PutCommand({ TableName: tableName, Item: itemOf(cycle), ConditionExpression: condition, ExpressionAttributeNames: names, ExpressionAttributeValues: values })),
    );

  return {
    async get(ref) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keys.cycle(ref.subscriptionId, ref.deliveryDate), ConsistentRead: true }));
      return Item?.type === 'cycle' ? toCycle(Item) : undefined;
    },

    schedule(cycle, options = {}) {
      if (!options.replaceScheduled) return put(cycle, 'attribute_not_exists(pk)');
      return put(cycle, 'attribute_not_exists(pk) OR #status = :scheduled', { '#status': 'status' }, { ':scheduled': 'SCHEDULED' });
    },

    create(cycle) {
      return put(cycle, 'attribute_not_exists(pk)');
    },

    write(next, expect) {
      const names: Record<string, string> = { '#status': 'status' };
      const values: Record<string, unknown> = { ':status': expect.status };
      const conditions = ['#status = :status'];
      if (expect.chargingSince !== undefined) {
        names['#since'] = 'chargingSince';
        values[':since'] = expect.chargingSince;
        conditions.push('#since = :since');
      }
      if (expect.noticeAttempts !== undefined) {
        Object.assign(names, { '#notice': 'notice', '#mail': 'mail', '#sms': 'sms', '#na': 'attempts' });
        values[':mailAttempts'] = expect.noticeAttempts.mail;
        values[':smsAttempts'] = expect.noticeAttempts.sms;
        conditions.push('#notice.#mail.#na = :mailAttempts AND #notice.#sms.#na = :smsAttempts');
      }
      if (expect.attempts === undefined) return put(next, conditions.join(' AND '), names, values);
      names['#attempts'] = 'attempts';
      values[':attempts'] = expect.attempts;
      const all = conditions.join(' AND ');
      // Attempt 0 is also a cycle never attempted (no counter stored). Written out as `A AND B OR A AND C`, not
      // `A AND (B OR C)`: the same condition, but the embedded engine's parser backtracks on parentheses (about
      // 5× the CPU per write, measured in bench) — DynamoDB itself does not mind either way.
      if (expect.attempts === 0) return put(next, `${all} AND attribute_not_exists(#attempts) OR ${all} AND #attempts = :attempts`, names, values);
      return put(next, `${all} AND #attempts = :attempts`, names, values);
    },

    withdraw(ref, status) {
      return writeIfCondition(() =>
        db.send(
          new DeleteCommand({
            TableName: tableName,
            Key: keys.cycle(ref.subscriptionId, ref.deliveryDate),
            ConditionExpression: '#status = :status',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':status': status },
          }),
        ),
      );
    },
  };
}

/**
 * The notification log (docs/data-model.md, "Notification log"): one item per
 * message the system means to send, keyed by its business key, so that a
 * notice is sent once however often the work that sends it runs.
 *
 * - A customer's notice lives in the subscription's partition, keyed by
 *   (delivery date, kind, channel): `keys.notification`.
 * - An operator's notice is at most one per (shop, date, kind):
 *   `keys.shopNotification` (e.g. "SMS credits exhausted", S12).
 *
 * The item records intent before the side effect and the outcome after it:
 * SENDING (written with attribute_not_exists, before the provider is called)
 * → SENT (with the provider's message id), or → NO_CREDIT when the SMS could
 * not be paid for (S12). Every transition is one conditional write, so two
 * workers can never both take the same attempt.
 */
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { seoulTimestamp } from '../../core/dates.ts';
import type { MessageKind } from '../messaging/ports.ts';
import { writeIfCondition } from './client.ts';
import { keys, type ItemKey } from './keys.ts';

export type NotificationChannel = 'mail' | 'sms';
export type NotificationState = 'SENDING' | 'SENT' | 'NO_CREDIT';

/** Which notice: a customer's (per subscription and delivery) or a shop operator's (per shop and date). */
export type NotificationRef =
  | {
      readonly to: 'customer';
      readonly subscriptionId: string;
      readonly deliveryDate: string;
      readonly kind: MessageKind;
      readonly channel: NotificationChannel;
    }
  | { readonly to: 'operator'; readonly shopId: string; readonly date: string; readonly kind: MessageKind };

export interface NotificationRecord {
  readonly state: NotificationState;
  /** Attempts so far; each attempt is taken by one conditional write, so it identifies its owner. */
  readonly attempts: number;
  /** When the current attempt began (ISO 8601, Seoul offset): a SENDING attempt older than a worker can live is dead. */
  readonly attemptAt: string;
  /** SENT: the provider's message id (SES / SNS). */
  readonly messageId?: string;
  /** When the outcome was recorded. */
  readonly settledAt?: string;
}

export interface NotificationsRepository {
  /** Strongly consistent: a worker decides from it whether to send. */
  get(ref: NotificationRef): Promise<NotificationRecord | undefined>;
  /** Records the first attempt (SENDING); false if the notice already has an item. */
  begin(ref: NotificationRef, at: Date): Promise<boolean>;
  /**
   * Takes a further attempt (→ SENDING, attempts + 1), only if the item is still as `seen` (same state and
   * attempt): of two workers retrying the same notice, one wins.
   */
  retry(ref: NotificationRef, seen: Pick<NotificationRecord, 'state' | 'attempts'>, at: Date): Promise<boolean>;
  /** Records the outcome of a SENDING attempt; false if the item is no longer SENDING (another attempt settled it). */
  settle(ref: NotificationRef, outcome: { readonly state: 'SENT'; readonly messageId: string } | { readonly state: 'NO_CREDIT' }, at: Date): Promise<boolean>;
}

function keyOf(ref: NotificationRef): ItemKey {
  return ref.to === 'customer' ? keys.notification(ref.subscriptionId, ref.deliveryDate, ref.kind, ref.channel) : keys.shopNotification(ref.shopId, ref.date, ref.kind);
}

/** What the item says about itself, for people reading the table. */
function describe(ref: NotificationRef): Record<string, string> {
  return ref.to === 'customer'
    ? { subscriptionId: ref.subscriptionId, deliveryDate: ref.deliveryDate, kind: ref.kind, channel: ref.channel }
    : { shopId: ref.shopId, date: ref.date, kind: ref.kind, channel: 'mail' };
}

export function notificationsRepository(db: DynamoDBDocumentClient, tableName: string): NotificationsRepository {
  const conditional = async (command: PutCommand | UpdateCommand): Promise<boolean> => {
    return writeIfCondition(() =>
      (db.send as (write: typeof command) => Promise<unknown>).call(db, command),
    );
  };

  return {
    async get(ref) {
      const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: keyOf(ref), ConsistentRead: true }));
      if (!Item) return undefined;
      const { state, attempts, attemptAt, messageId, settledAt } = Item as NotificationRecord;
      return { state, attempts, attemptAt, ...(messageId !== undefined ? { messageId } : {}), ...(settledAt !== undefined ? { settledAt } : {}) };
    },

    begin(ref, at) {
      return conditional(
        new PutCommand({
          TableName: tableName,
          Item: { ...keyOf(ref), type: 'notification', ...describe(ref), state: 'SENDING', attempts: 1, attemptAt: seoulTimestamp(at) },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    },

    retry(ref, seen, at) {
      return conditional(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(ref),
          UpdateExpression: 'SET #state = :sending, attempts = :next, attemptAt = :at',
          ConditionExpression: '#state = :seen AND attempts = :attempts',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':sending': 'SENDING', ':next': seen.attempts + 1, ':at': seoulTimestamp(at), ':seen': seen.state, ':attempts': seen.attempts },
        }),
      );
    },

    settle(ref, outcome, at) {
      return conditional(
        new UpdateCommand({
          TableName: tableName,
          Key: keyOf(ref),
          UpdateExpression: outcome.state === 'SENT' ? 'SET #state = :to, messageId = :messageId, settledAt = :at' : 'SET #state = :to, settledAt = :at',
          ConditionExpression: '#state = :sending',
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':to': outcome.state,
            ':sending': 'SENDING',
            ':at': seoulTimestamp(at),
            ...(outcome.state === 'SENT' ? { ':messageId': outcome.messageId } : {}),
          },
        }),
      );
    },
  };
}

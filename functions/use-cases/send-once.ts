/**
 * Send once (docs/data-model.md, "Record intent before the side effect,
 * outcome after it"): the one home of the rule every mail and SMS the system
 * sends on its own follows — the payment notice (its record is carried on the
 * cycle), the charge's mails, the stop cascade's mails and the operator's
 * alerts (their record is a notification-log item).
 *
 * The rule (`sendDecision`), given the record of one message:
 * - none → take the first attempt (SENDING), then send, then record the outcome;
 * - a final state (SENT…) → nothing;
 * - SENDING younger than the lease → another worker is at it: wait for its
 *   outcome, or fail fast so the work is retried after it;
 * - SENDING older than the lease → that worker died, maybe after the provider
 *   took the message: send again (the bounded at-least-once edge: a notice is
 *   never lost), up to `maxAttempts` in all;
 * - NO_CREDIT → try again when the caller allows (credits may have come since).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../core/clock.ts';
import type { NotificationRef, NotificationsRepository } from '../adapters/dynamodb/notifications.repo.ts';
import type { SpendOutcome } from '../domain/credits.ts';

export interface SendOnceOptions {
  /** How long an attempt belongs to the worker that took it: longer than that worker can live. */
  readonly leaseMs: number;
  /** Attempts in all before a message whose sends keep dying is given up (logged for an operator). */
  readonly maxAttempts?: number;
  /** Another worker's attempt in flight: wait up to this long for its outcome, or fail fast (0). */
  readonly waitMs: number;
  /** NO_CREDIT is tried again (a later run may find credits); otherwise it is final. */
  readonly retryNoCredit?: boolean;
}

/** What a record of one message says an attempt must do now. */
export type SendDecision = 'send' | 'resend' | 'done' | 'in-flight' | 'give-up';

export interface SendRecord {
  readonly state: string;
  readonly attempts: number;
  /** When the current attempt began (ISO 8601). */
  readonly at: string;
}

export function sendDecision(record: SendRecord | undefined, now: Date, options: Pick<SendOnceOptions, 'leaseMs' | 'maxAttempts' | 'retryNoCredit'>): SendDecision {
  if (!record) return 'send';
  if (record.state === 'NO_CREDIT') return options.retryNoCredit ? 'resend' : 'done';
  if (record.state !== 'SENDING') return 'done';
  if (Date.parse(record.at) + options.leaseMs > now.getTime()) return 'in-flight';
  return options.maxAttempts !== undefined && record.attempts >= options.maxAttempts ? 'give-up' : 'resend';
}

/** A message another worker is sending right now did not settle in time: the work is retried later. */
export class NotificationInFlight extends Error {
  constructor(readonly what: string) {
    super(`${what} is being sent by another worker; retry later`);
    this.name = 'NotificationInFlight';
  }
}

export type SendOutcome = 'sent' | 'already-sent' | 'no-credit' | 'gave-up';

export interface LoggedMessage {
  /** Pays for the message (S12, S24) under the attempt; 'insufficient' records NO_CREDIT and nothing is sent. */
  readonly pay?: () => Promise<SpendOutcome>;
  readonly send: () => Promise<{ readonly messageId: string }>;
}

/** Sends one message guarded by its notification-log item, by the rule above. */
export async function sendOnce(deps: { readonly notifications: NotificationsRepository; readonly clock: Clock }, ref: NotificationRef, message: LoggedMessage, options: SendOnceOptions): Promise<SendOutcome> {
  const giveUpAt = Date.now() + options.waitMs;
  for (let round = 0, pause = 20; ; round += 1, pause = Math.min(pause * 2, 500)) {
    const now = deps.clock.now();
    let mine = round === 0 && (await deps.notifications.begin(ref, now));
    if (!mine) {
      const current = await deps.notifications.get(ref);
      // (No item after a refused begin cannot happen, log items are never deleted; begin again then.)
      const decision = current ? sendDecision({ state: current.state, attempts: current.attempts, at: current.attemptAt }, now, options) : 'send';
      if (decision === 'done') return 'already-sent';
      if (decision === 'give-up') return 'gave-up';
      if (decision === 'send') mine = await deps.notifications.begin(ref, now);
      else if (decision === 'resend') mine = await deps.notifications.retry(ref, current!, now);
      if (!mine) {
        // Another worker holds (or just took) the attempt: wait for its outcome, or leave it to a retry.
        if (Date.now() + pause > giveUpAt) throw new NotificationInFlight(describe(ref));
        await sleep(pause);
        continue;
      }
    }
    if (message.pay && (await message.pay()) === 'insufficient') {
      await deps.notifications.settle(ref, { state: 'NO_CREDIT' }, deps.clock.now());
      return 'no-credit';
    }
    const { messageId } = await message.send();
    await deps.notifications.settle(ref, { state: 'SENT', messageId }, deps.clock.now());
    return 'sent';
  }
}

function describe(ref: NotificationRef): string {
  return ref.to === 'customer' ? `The ${ref.kind} ${ref.channel} of ${ref.subscriptionId}/${ref.deliveryDate}` : `The ${ref.kind} mail to the operator of ${ref.shopId} (${ref.date})`;
}

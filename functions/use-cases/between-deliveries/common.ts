/**
 * What the between-deliveries use cases share (issue 13): who is calling, the
 * subscription they may touch, the retry of a write that lost a race, the
 * answer. A buyer reaches only their own subscriptions; a shop's admin any of
 * its shop's (the merchant side builds on the same use cases).
 */
import { Conflict, NotFound } from '../../core/errors.ts';
import { transition, type CycleRef } from '../../domain/cycle.ts';
import type { Actor, HistoryEntry } from '../../domain/between-deliveries.ts';
import type { Subscription, SubscriptionWithCycles } from '../../domain/subscription.ts';
import type { StorefrontDeps } from '../storefront-deps.ts';
import type { ChangedBy, EventDeps } from '../subscription-events.ts';

export type BetweenDeps = Pick<StorefrontDeps, 'subscriptions' | 'cycles' | 'shops' | 'products' | 'clock'> & EventDeps;

/** The caller: their shop and who they are (a customer's id is their subject). */
export interface Caller {
  readonly shopId: string;
  readonly actor: Actor;
}

/** The subscription the caller may change; anyone else's answers 404 like an unknown one. */
export async function subscriptionFor(deps: Pick<StorefrontDeps, 'subscriptions'>, caller: Caller, subscriptionId: string): Promise<Subscription> {
  const subscription = await deps.subscriptions.get(subscriptionId);
  if (!subscription || subscription.shopId !== caller.shopId || (caller.actor.role === 'customer' && subscription.customerId !== caller.actor.id)) throw new NotFound('The subscription');
  return subscription;
}

/** How events name the caller. */
export const changedBy = (actor: Actor): ChangedBy => (actor.role === 'admin' ? 'merchant' : 'buyer');

/** Writes that lost a race (another write moved the version) are read and decided again, a few times. */
const ROUNDS = 4;

/** Runs `attempt` until it answers (undefined: its conditional write lost a race, decide again). */
export async function retrying<T>(attempt: () => Promise<T | undefined>): Promise<T> {
  for (let round = 0; round < ROUNDS; round += 1) {
    const done = await attempt();
    if (done !== undefined) return done;
  }
  throw new Conflict('CONCURRENT_UPDATE', 'The subscription changed at the same time; please retry.');
}

/** The answer of every change: the subscription with its cycles and history. */
export async function detailOf(deps: Pick<StorefrontDeps, 'subscriptions'>, subscriptionId: string): Promise<SubscriptionWithCycles> {
  const found = await deps.subscriptions.getWithCycles(subscriptionId);
  if (!found) throw new NotFound('The subscription');
  return found;
}

/** The latest history entry of an action (a repeat of a request republishes its event under the same id). */
export function lastEntry(subscription: Subscription, action: HistoryEntry['action'], matches: (entry: HistoryEntry) => boolean = () => true): HistoryEntry | undefined {
  return [...(subscription.history ?? [])].reverse().find((entry) => entry.action === action && matches(entry));
}

export const notActive = (subscription: Subscription) =>
  new Conflict(subscription.status === 'PAUSED' ? 'SUBSCRIPTION_PAUSED' : 'SUBSCRIPTION_NOT_ACTIVE', subscription.status === 'PAUSED' ? 'The subscription is paused; resume it first.' : `The subscription is ${subscription.status}, not active.`);

/** A subscription without the fields of its next delivery (paused or resumed states rebuild them). */
export function withoutNextNominal(subscription: Subscription): Subscription {
  const { nextNominalDate: _nominal, ...rest } = subscription;
  return rest;
}

/**
 * A delivery the subscription no longer plans (it paused, skipped or moved its date): a plan is withdrawn; one a
 * notice run locked meanwhile (it read the subscription before the change) is skipped (S19), so it is never
 * charged. A cycle already at the PG (or over) stands.
 */
export async function dropDelivery(deps: Pick<BetweenDeps, 'cycles'>, ref: CycleRef): Promise<void> {
  for (let round = 0; round < 3; round += 1) {
    const cycle = await deps.cycles.get(ref);
    if (!cycle) return;
    if (cycle.status === 'SCHEDULED') {
      if (await deps.cycles.withdraw(ref, 'SCHEDULED')) return;
      continue;
    }
    const skipped = transition(cycle, { type: 'skip', reason: 'SKIPPED_BY_BUYER' });
    if (!skipped.ok || (await deps.cycles.write(skipped.next, skipped.expect))) return;
  }
}

/**
 * What the charge worker's tests share: the booted local system, a buyer
 * subscribed with a sandbox card whose next cycle has been noticed (written as
 * the notice worker writes it), the charge deps built over any document client
 * (a faulty one for crash injection) with recording fakes for mail and events,
 * and the sandbox PG's records.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamodb/client.ts';
import { seoulTimestamp } from '../../functions/core/dates.ts';
import { batchingReads } from '../../functions/adapters/dynamodb/batched-reads.ts';
import { billingKeysRepository } from '../../functions/adapters/dynamodb/billing-keys.repo.ts';
import { cyclesRepository, type CyclesRepository } from '../../functions/adapters/dynamodb/cycles.repo.ts';
import type { DueKind } from '../../functions/adapters/dynamodb/keys.ts';
import { notificationsRepository } from '../../functions/adapters/dynamodb/notifications.repo.ts';
import { ordersRepository, type OrdersRepository } from '../../functions/adapters/dynamodb/orders.repo.ts';
import { settingsRepository } from '../../functions/adapters/dynamodb/settings.repo.ts';
import { shopsRepository } from '../../functions/adapters/dynamodb/shops.repo.ts';
import { subscriptionsRepository, type SubscriptionsRepository } from '../../functions/adapters/dynamodb/subscriptions.repo.ts';
import type { ChargingGateway } from '../../functions/adapters/gateways/payment-gateway.ts';
import type { DomainEvent, Mail } from '../../functions/adapters/messaging/ports.ts';
import { DEFAULT_DELIVERY_CALENDAR } from '../../functions/domain/delivery-calendar.ts';
import { followingDelivery, scheduledCycle, transition, type Cycle, type CycleRef } from '../../functions/domain/cycle.ts';
import type { Subscription } from '../../functions/domain/subscription.ts';
import type { Work } from '../../functions/use-cases/runs/work.ts';
import { chargeRunTimesFrom, orderIdFor, type ChargeDeps } from '../../functions/use-cases/runs/charge.ts';
import type { GatewayDirectory } from '../../functions/use-cases/storefront-deps.ts';
import { LOCAL_TABLE_NAME } from '../../local/system.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';
import { runDeps, type RunDeps } from '../support/run-deps.ts';
import { authorize, earliestStart, signUpBody, subscribe } from '../support/storefront.ts';

export const CARDS = { succeeds: '9410-0000-0000-0001', declines: '9410-0000-0000-0002', timesOutAfterCapture: '9410-0000-0000-0003' } as const;

/** beans ×2 at 25,000 and drip ×1 at 18,000: what the notice locks (S18). */
export const ANNOUNCED = {
  amount: 2 * 25_000 + 18_000,
  items: [
    { productId: 'beans', quantity: 2, unitPrice: 25_000 },
    { productId: 'drip', quantity: 1, unitPrice: 18_000 },
  ],
} as const;

/** Past the charge lease: what an SQS redelivery after the visibility timeout sees. */
export const REDELIVERY_MS = 10 * 60 * 1000;

export interface Harness {
  readonly t: TestSystem;
  /** The deployed adapters, imported after boot. */
  readonly deps: RunDeps;
  /** A document client of our own on the embedded table (wrap it with faultyClient). */
  readonly db: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly subscriptions: SubscriptionsRepository;
  readonly cycles: CyclesRepository;
  readonly orders: OrdersRepository;
}

export async function bootCharging(): Promise<Harness> {
  const t = await bootLocalSystem({ seed: false });
  const deps = await runDeps();
  // After boot: the environment points the SDK at the embedded DynamoDB.
  const db = createDocumentClient();
  return { t, deps, db, tableName: LOCAL_TABLE_NAME, subscriptions: subscriptionsRepository(db, LOCAL_TABLE_NAME), cycles: cyclesRepository(db, LOCAL_TABLE_NAME), orders: ordersRepository(db, LOCAL_TABLE_NAME) };
}

/** A test clock the charge deps read (claim times, leases); tests move it like time passing. */
export interface TestClock {
  now(): Date;
  set(at: string | Date): void;
  advance(ms: number): void;
}

export function testClock(at: string | Date): TestClock {
  let current = new Date(at).getTime();
  return {
    now: () => new Date(current),
    set: (to) => {
      current = new Date(to).getTime();
    },
    advance: (ms) => {
      current += ms;
    },
  };
}

export interface Recorded {
  readonly mails: Mail[];
  readonly events: DomainEvent[];
}

export interface ChargeDepsOptions {
  /** The document client every repository uses (default: the healthy one). */
  readonly db?: DynamoDBDocumentClient;
  readonly gateways?: GatewayDirectory<ChargingGateway>;
  /** Default: a recording fake. `deps.mailer` sends through the local SES to the outbox. */
  readonly mailer?: ChargeDeps['mailer'];
  readonly events?: ChargeDeps['events'];
  readonly clock: TestClock;
}

/** The charge worker's deps over `db` (reads batched, as the worker does), with recording fakes for mail and events unless given. */
export function chargeDeps(h: Harness, options: ChargeDepsOptions): ChargeDeps & { readonly recorded: Recorded } {
  const db = batchingReads(options.db ?? h.db, h.tableName);
  const recorded: Recorded = { mails: [], events: [] };
  return {
    cycles: cyclesRepository(db, h.tableName),
    subscriptions: subscriptionsRepository(db, h.tableName),
    shops: shopsRepository(db, h.tableName),
    settings: settingsRepository(db, h.tableName),
    billingKeys: billingKeysRepository(db, h.tableName, h.deps.sealer),
    notifications: notificationsRepository(db, h.tableName),
    gateways: options.gateways ?? h.deps.chargingGateways,
    mailer: options.mailer ?? {
      async send(mail) {
        recorded.mails.push(mail);
        return { messageId: `fake-${recorded.mails.length}` };
      },
    },
    events: options.events ?? {
      async publish(event) {
        recorded.events.push(event);
      },
    },
    clock: options.clock,
    chargeRunTimes: chargeRunTimesFrom({}),
    recorded,
  };
}

let buyers = 0;

export interface Noticed {
  readonly shopId: string;
  readonly buyer: string;
  readonly customerId: string;
  readonly email: string;
  readonly subscription: Subscription;
  readonly cycle: Cycle;
}

/**
 * An ACTIVE subscription (beans ×2, drip ×1 unless overridden) of a new buyer
 * paying with `card`, whose next cycle has been noticed: the cycle written
 * through putCycle and the subscription marked noticed, as the notice worker does.
 */
export async function noticedSubscription(h: Harness, shopId: string, options: { card?: string; kakaopay?: boolean; overrides?: Record<string, unknown> } = {}): Promise<Noticed> {
  buyers += 1;
  const customerId = `charge-buyer-${buyers}`;
  const email = `${customerId}@charge.example`;
  const buyer = await h.t.token('customer', shopId, customerId);
  const overrides = { contact: { email, phone: '010-2222-3333' }, ...options.overrides };
  let active: { id: string };
  if (options.kakaopay) {
    const signup = await h.t.call('POST', '/subscriptions', { token: buyer, body: signUpBody(await earliestStart(h.t, shopId), { ...overrides, paymentMethod: 'kakaopay' }) });
    const id = signup.body.subscription.id as string;
    const checkout = await h.t.call('POST', `/subscriptions/${id}/checkout`, { token: buyer, body: { authKey: await authorize(h.t, id, { kakaoPayMethod: 'card' }) } });
    if (checkout.status !== 200) throw new Error(`checkout answered ${checkout.status}`);
    active = checkout.body;
  } else {
    active = await subscribe(h.t, buyer, shopId, options.card ?? CARDS.succeeds, overrides);
  }
  const subscription = (await h.subscriptions.get(active.id))!;
  // As the notice leaves it: the next delivery planned, the cycle locked with its notice sent (NOTICED).
  const planned = (await h.cycles.get({ subscriptionId: subscription.id, deliveryDate: subscription.nextDeliveryDate! }))!;
  const following = followingDelivery(subscription, planned, DEFAULT_DELIVERY_CALENDAR);
  await h.cycles.schedule(scheduledCycle(subscription, following));
  const sentAt = seoulTimestamp(new Date(Date.parse(`${planned.noticeDate}T08:00:05+09:00`)));
  const locked = transition(planned, {
    type: 'lock',
    lines: ANNOUNCED.items,
    orderName: 'Beans 1kg 외 1건',
    notice: { mail: { state: 'SENT', attempts: 1, at: sentAt, messageId: 'm' }, sms: { state: 'SENT', attempts: 1, at: sentAt, messageId: 's' } },
    following: following.deliveryDate,
  });
  if (!locked.ok || !(await h.cycles.write(locked.next, locked.expect))) throw new Error('could not lock the cycle');
  return { shopId, buyer, customerId, email, subscription: (await h.subscriptions.get(subscription.id))!, cycle: locked.next };
}

/** One item of charge work, as a message of one carries it. */
export type ChargeItem = Omit<Work, 'items' | 'kind'> & { readonly ref: CycleRef };

/** The work item a charge run queues for a cycle, scheduled at `time` (Seoul) on `date` (default: the charge date). */
export function chargeItem(cycle: Cycle, time = '10:00', date = cycle.chargeDate): ChargeItem {
  return { date, scheduledTime: seoulAt(date, time), shopId: cycle.shopId, ref: { subscriptionId: cycle.subscriptionId, deliveryDate: cycle.deliveryDate }, messageId: `msg-${cycle.subscriptionId}-${date}-${time}` };
}

export function seoulAt(date: string, time: string): string {
  return new Date(`${date}T${time}:00+09:00`).toISOString();
}

/** Charge runs from the charge date on, at the default times, in order: [date, time]. */
export function chargeRuns(chargeDate: string, days: number): Array<[string, string]> {
  const runs: Array<[string, string]> = [];
  for (let day = 0; day < days; day += 1) {
    const date = new Date(Date.parse(`${chargeDate}T00:00:00Z`) + day * 86_400_000).toISOString().slice(0, 10);
    runs.push([date, '10:00'], [date, '17:00']);
  }
  return runs;
}

/** Payments the sandbox PG captured (DONE) for a cycle, over its attempts' order ids. */
export function capturesOf(h: Harness, cycle: Cycle, maxAttempts = 12): Array<{ orderId: string; amount: number }> {
  const captured: Array<{ orderId: string; amount: number }> = [];
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const orderId = orderIdFor(cycle.subscriptionId, cycle.deliveryDate, attempt);
    try {
      const payment = h.t.system.sandboxPg.findPaymentByOrderId(orderId);
      if (payment.status === 'DONE') captured.push({ orderId, amount: payment.amount });
    } catch {
      // NOT_FOUND_PAYMENT: no payment under this attempt
    }
  }
  return captured;
}

/** How many payments (captured or declined) the sandbox recorded on the buyer's billing key. */
export async function paymentsOnCard(h: Harness, noticed: Noticed): Promise<number> {
  const key = await h.deps.billingKeys.get(noticed.shopId, noticed.customerId, noticed.subscription.paymentMethod);
  return h.t.system.sandboxPg.billingKey(key!.billingKey)?.chargeAttempts ?? 0;
}

/** The cycles due for `kind` exactly on `date`, as `SUB#{id}|CYCLE#{deliveryDate}`. */
export async function dueKeys(h: Harness, kind: DueKind, date: string): Promise<string[]> {
  const found: string[] = [];
  for await (const entry of h.deps.dueWork.findDue(kind, date)) if (entry.date === date) found.push(`SUB#${entry.subscriptionId}|CYCLE#${entry.deliveryDate}`);
  return found;
}

/** The sandbox gateway with the port's `supportsLookup` switched off (a PG that cannot look a charge up). */
export function withoutLookup(gateways: GatewayDirectory<ChargingGateway>): GatewayDirectory<ChargingGateway> {
  return {
    async gatewayFor(shopId, provider) {
      const real = await gateways.gatewayFor(shopId, provider);
      const blind: ChargingGateway = {
        ...real,
        supportsLookup: false,
        charge: (request) => real.charge(request),
        findChargeByOrderId: () => Promise.reject(new Error('This PG cannot look a charge up')),
      };
      return blind;
    },
  };
}

/**
 * The daily maintenance run (issue 13), before the notice run: for every shop,
 * (1) resumes the paused subscriptions whose pause (`until` or `cycles`) has
 * run out — in time for their first delivery back to be announced on its
 * notice date (domain `pauseRunsOut`); (2) moves on every ACTIVE subscription
 * still pointing at a delivery that is over (its cycle SKIPPED, FAILED or
 * in REVIEW: a crash between the cycle's write and the
 * subscription's left it behind, and the notice run would wait for it
 * forever) — read from the next-delivery index, up to tomorrow only, so the
 * query holds little more than the day's charges; and (3) recounts the S6 active count
 * from the status index, so a count left one off by a crash between a
 * subscription's write and the counter's converges by the next morning.
 *
 * The recount reads the counter, counts `SHOP#…#STATUS#ACTIVE` (gsi3, DynamoDB
 * counts: nothing is transferred), reads the counter again, and writes the
 * count only if the counter did not move meanwhile (a conditional write on the
 * value read): a change counted during the recount wins, and the next run
 * decides again. The index is eventually consistent, so a subscription written
 * in the second before the count may be missed: at night this is rare, and the
 * next recount corrects it — the count converges, it is not a ledger.
 * Idempotent: a rerun resumes nothing twice (a resumed subscription is ACTIVE)
 * and recounts the same. One shop's failure is logged and the others go on.
 */
import type { Clock } from '../../core/clock.ts';
import { addDays, seoulDate } from '../../core/dates.ts';
import { logger } from '../../core/logger.ts';
import { pauseRunsOut } from '../../domain/between-deliveries.ts';
import type { Shop } from '../../domain/shop.ts';
import { advancePast } from '../advance-subscription.ts';
import type { BetweenDeps } from '../between-deliveries/common.ts';
import { resumeSubscription } from '../between-deliveries/pause.ts';

export type MaintenanceDeps = BetweenDeps & { readonly clock: Clock };

export interface MaintenanceReport {
  readonly date: string;
  readonly shops: number;
  readonly resumed: number;
  /** Subscriptions moved on past a delivery that was over. */
  readonly repaired: number;
  /** Shops whose active count was off and is now the recount. */
  readonly corrected: number;
  readonly failed: number;
}

/** Runs the maintenance of the day `scheduledTime` falls on (Asia/Seoul). */
export async function runMaintenance(deps: MaintenanceDeps, scheduledTime: string): Promise<MaintenanceReport> {
  const date = seoulDate(new Date(scheduledTime));
  let shops = 0;
  let resumed = 0;
  let repaired = 0;
  let corrected = 0;
  let failed = 0;
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await deps.shops.listShopIds(cursor);
    for (const shopId of page.shopIds) {
      shops += 1;
      try {
        const shop = await deps.shops.get(shopId);
        if (!shop) continue;
        if (shop.service.status === 'ACTIVE') resumed += await resumeRunOut(deps, shop, date);
        repaired += await moveOnStalled(deps, shop, date);
        if (await recountActive(deps, shopId, resumed > 0 ? undefined : shop.activeSubscriptions)) corrected += 1;
      } catch (error) {
        failed += 1;
        logger.error('Maintenance of a shop failed; the next run tries again', { shopId, error: (error as Error).message });
      }
    }
    cursor = page.next;
  } while (cursor);
  const report = { date, shops, resumed, repaired, corrected, failed };
  logger.info('Maintenance run done', { ...report });
  return report;
}

/** Resumes the shop's paused subscriptions whose pause has run out; answers how many. */
async function resumeRunOut(deps: MaintenanceDeps, shop: Shop, today: string): Promise<number> {
  const { shopId } = shop;
  let resumed = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.subscriptions.listByShop(shopId, { status: 'PAUSED' }, { limit: 100, cursor });
    for (const subscription of page.items) {
      if (!pauseRunsOut(subscription.pause, today, shop.startDateWindow)) continue;
      await resumeSubscription(deps, { shopId, actor: { role: 'system', id: 'maintenance-run' } }, subscription.id, { automatic: true });
      resumed += 1;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return resumed;
}

/**
 * The cycle states after which a subscription must have moved on. Not CHARGED: the charge worker advances before
 * writing it (and counts the delivery, completes the last), so a CHARGED cycle never has one left behind.
 */
const OVER: ReadonlySet<string> = new Set(['SKIPPED', 'FAILED', 'REVIEW']);

/** ACTIVE subscriptions whose next delivery (up to tomorrow) is over are moved on past it; answers how many. */
async function moveOnStalled(deps: MaintenanceDeps, shop: Shop, today: string): Promise<number> {
  const { shopId } = shop;
  let repaired = 0;
  let cursor: string | undefined;
  do {
    const page = await deps.subscriptions.listByShop(shopId, { nextDeliveryTo: addDays(today, 1) }, { limit: 100, cursor });
    for (const subscription of page.items) {
      if (subscription.status !== 'ACTIVE' || subscription.nextDeliveryDate === null) continue;
      const cycle = await deps.cycles.get({ subscriptionId: subscription.id, deliveryDate: subscription.nextDeliveryDate });
      if (!cycle || !OVER.has(cycle.status)) continue;
      if (await advancePast(deps, cycle, subscription, today, shop.deliveryCalendar)) {
        repaired += 1;
        logger.warn('A subscription was left on a delivery that is over; moved on', { shopId, subscriptionId: subscription.id, deliveryDate: cycle.deliveryDate, cycleStatus: cycle.status });
      }
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return repaired;
}

/** S6: the active count set to the recount when it is off and nothing counted meanwhile; true when corrected. `read`: the count as just read. */
export async function recountActive(deps: Pick<MaintenanceDeps, 'shops' | 'subscriptions'>, shopId: string, read?: number): Promise<boolean> {
  const before = read ?? (await deps.shops.get(shopId))?.activeSubscriptions;
  if (before === undefined) return false;
  const counted = await deps.subscriptions.countByStatus(shopId, 'ACTIVE');
  if (counted === before) return false;
  if ((await deps.shops.get(shopId))?.activeSubscriptions !== before) return false;
  const set = await deps.shops.setActiveSubscriptions(shopId, counted, before);
  if (set) logger.warn('The active-subscription count (S6) had drifted; set to the recount', { shopId, was: before, now: counted });
  return set;
}

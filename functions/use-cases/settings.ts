import type { Clock } from '../core/clock.ts';
import { addDays, seoulDate, seoulTimestamp } from '../core/dates.ts';
import { NotFound } from '../core/errors.ts';
import { defaultNotificationSettings, type NotificationSettings } from '../domain/notification-settings.ts';
import type { StartDateWindow } from '../domain/shop.ts';
import { MAX_SHIFT_DAYS, shiftDelivery, type DeliveryCalendar } from '../domain/delivery-calendar.ts';
import type { SettingsRepository } from '../adapters/dynamodb/settings.repo.ts';
import type { ShopsRepository } from '../adapters/dynamodb/shops.repo.ts';
import { changeShop } from './change-shop.ts';

type Deps = { shops: ShopsRepository; settings: SettingsRepository; clock: Clock };

/** S11: the saved settings, or all on with the shop's operator address until the merchant saves some. */
export async function getNotificationSettings(deps: Pick<Deps, 'shops' | 'settings'>, shopId: string): Promise<NotificationSettings> {
  const [shop, saved] = await Promise.all([deps.shops.get(shopId), deps.settings.getNotificationSettings(shopId)]);
  if (!shop) throw new NotFound('The shop');
  return saved ?? defaultNotificationSettings(shop.operatorEmail);
}

/** S11, S23: replaces the settings as a whole (PUT). */
export async function putNotificationSettings(deps: Deps, shopId: string, settings: NotificationSettings): Promise<NotificationSettings> {
  if (!(await deps.shops.get(shopId))) throw new NotFound('The shop');
  await deps.settings.putNotificationSettings(shopId, settings, seoulTimestamp(deps.clock.now()));
  return settings;
}

export async function getSubscriptionSettings(deps: Pick<Deps, 'shops'>, shopId: string): Promise<{ startDateWindow: StartDateWindow }> {
  const shop = await deps.shops.get(shopId);
  if (!shop) throw new NotFound('The shop');
  return { startDateWindow: shop.startDateWindow };
}

/** S15: the window of first-delivery dates buyers may choose. */
export async function putSubscriptionSettings(deps: Pick<Deps, 'shops'>, shopId: string, settings: { startDateWindow: StartDateWindow }) {
  const shop = await changeShop(deps, shopId, () => ({ startDateWindow: settings.startDateWindow }));
  return { startDateWindow: shop.startDateWindow };
}

export async function getDeliverySettings(deps: Pick<Deps, 'shops'>, shopId: string): Promise<DeliveryCalendar> {
  const shop = await deps.shops.get(shopId);
  if (!shop) throw new NotFound('The shop');
  return shop.deliveryCalendar;
}

/**
 * Issue 14: the days the shop does not deliver on, and which way such a delivery moves. Refused (nothing written)
 * when a date buyers can pick right now — the whole start-date window, with room to shift — cannot be
 * checked or has no delivery day near it: the holiday data must reach it (409 HOLIDAY_DATA_UNAVAILABLE).
 */
export async function putDeliverySettings(deps: Pick<Deps, 'shops' | 'clock'>, shopId: string, calendar: DeliveryCalendar): Promise<DeliveryCalendar> {
  const today = seoulDate(deps.clock.now());
  const shop = await changeShop(deps, shopId, (current) => {
    const window = current.startDateWindow;
    for (let day = window.earliestDaysAhead; day <= window.latestDaysAhead + MAX_SHIFT_DAYS; day += 1) shiftDelivery(addDays(today, day), calendar);
    return { deliveryCalendar: calendar };
  });
  return shop.deliveryCalendar;
}

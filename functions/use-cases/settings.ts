import type { Clock } from '../core/clock.ts';
import { seoulTimestamp } from '../core/dates.ts';
import { NotFound } from '../core/errors.ts';
import { defaultNotificationSettings, type NotificationSettings } from '../domain/notification-settings.ts';
import type { StartDateWindow } from '../domain/shop.ts';
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

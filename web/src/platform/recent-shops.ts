/** The shops this browser worked with (the API has no shop list for the platform yet): quick picks in the forms. */
const KEY = 'subscriptions.platform.shops';

export function recentShops(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberShop(shopId: string): void {
  localStorage.setItem(KEY, JSON.stringify([shopId, ...recentShops().filter((id) => id !== shopId)].slice(0, 10)));
}

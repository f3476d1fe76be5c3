/** Product names for ids, read from the public purchase options (once per product and page). */
import { siteConfig } from '../config.ts';
import { loadPurchaseOptions } from './purchase-options.ts';

const cache = new Map<string, Promise<string>>();

export function productName(shopId: string, productId: string): Promise<string> {
  const key = `${shopId}/${productId}`;
  let name = cache.get(key);
  if (!name) {
    name = loadPurchaseOptions(siteConfig().apiBase, shopId, productId).then(
      (options) => options.product.name,
      () => productId,
    );
    cache.set(key, name);
  }
  return name;
}

export async function productNames(shopId: string, productIds: readonly string[]): Promise<Record<string, string>> {
  const unique = [...new Set(productIds)];
  const names = await Promise.all(unique.map((id) => productName(shopId, id)));
  return Object.fromEntries(unique.map((id, index) => [id, names[index]!]));
}

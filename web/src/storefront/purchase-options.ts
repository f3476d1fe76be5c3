/** A product page's purchase options (S13–S15), read without a token. */
import { createApi, ok } from '../api/client.ts';

/** `apiBase`: the site's API (the pages), or the one the widget was pointed at. */
export function loadPurchaseOptions(apiBase: string, shopId: string, productId: string) {
  return ok(createApi(apiBase).GET('/shops/{shopId}/products/{productId}/purchase-options', { params: { path: { shopId, productId } } }));
}

export type PurchaseOptions = Awaited<ReturnType<typeof loadPurchaseOptions>>;

/** S13, S14: subscription is offered (the product is subscribable and the shop's service active). */
export const offersSubscription = (options: PurchaseOptions): boolean => (options.purchaseMethods as readonly string[]).includes('subscription');

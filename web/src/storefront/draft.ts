/**
 * The order form's inputs, kept in this tab (sessionStorage) while the buyer
 * is away in the PG's window, so that a failure brings them back to a filled
 * form. Removed once the subscription is active.
 */
export interface OrderDraft {
  readonly shopId: string;
  readonly productId: string;
  readonly quantity: number;
  readonly cycle: string;
  readonly startDate: string;
  readonly paymentMethod: 'card' | 'kakaopay';
  readonly email: string;
  readonly phone: string;
  readonly recipient: string;
  readonly recipientPhone: string;
  readonly postalCode: string;
  readonly address1: string;
  readonly address2: string;
}

const KEY = 'subscriptions.order-draft';

export function loadDraft(shopId: string, productId: string): Partial<OrderDraft> {
  try {
    const draft = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as OrderDraft | null;
    return draft && draft.shopId === shopId && draft.productId === productId ? draft : {};
  } catch {
    return {};
  }
}

export function saveDraft(draft: OrderDraft): void {
  sessionStorage.setItem(KEY, JSON.stringify(draft));
}

export function clearDraft(): void {
  sessionStorage.removeItem(KEY);
}

/** The order form's address for a draft (to go back after a failure). */
export function orderFormUrl(draft: Pick<OrderDraft, 'shopId' | 'productId' | 'cycle' | 'quantity'>): string {
  const params = new URLSearchParams({ shop: draft.shopId, product: draft.productId, cycle: draft.cycle, quantity: String(draft.quantity) });
  return `/order.html?${params}`;
}

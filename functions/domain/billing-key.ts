import type { CardFacts } from '../adapters/gateways/payment-gateway.ts';
import { sameExpiry } from './card-expiry.ts';
import type { CardPg } from './shop.ts';
import type { MaskedCard } from './subscription.ts';

/** Who processes a billing key: the shop's card PG, or KakaoPay (S9). */
export type PaymentProvider = CardPg | 'kakaopay';

/**
 * A buyer's registered card (or KakaoPay registration) in one shop. S10: one
 * per buyer and payment method — the key of the item makes that structural.
 * `billingKey` is the PG's secret token: it never leaves the backend.
 */
export interface BillingKeyRecord {
  readonly shopId: string;
  readonly customerId: string;
  readonly method: 'card' | 'kakaopay';
  readonly provider: PaymentProvider;
  readonly customerKey: string;
  readonly billingKey: string;
  readonly card: CardFacts;
  readonly registeredAt: string;
  /** A key this one replaced, still to be deleted at the PG (cleared once it is). */
  readonly retiring?: { readonly billingKey: string; readonly provider: PaymentProvider; readonly customerKey: string };
}

/** A registration without its keys: what may be read without the right to open them. */
export type MaskedBillingKeyRecord = Omit<BillingKeyRecord, 'billingKey' | 'retiring'>;

/** What the buyer (and logs) may see of a registration. */
export function toMaskedCard(record: MaskedBillingKeyRecord) {
  const { expiry } = record.card;
  return {
    method: record.method,
    issuer: record.card.issuer,
    last4: record.card.last4,
    cardType: record.card.cardType,
    ...(expiry ? { expiry: { year: expiry.year, month: expiry.month } } : {}),
    registeredAt: record.registeredAt,
  };
}

/**
 * What a subscription keeps of the card paying for it (S10): issuer, last four and expiry month. Every
 * subscription of the buyer carries the same (check-out.ts moves them all to a new card), so the card-expiry
 * index (issue 14) follows the card.
 */
export function subscriptionCard(card: CardFacts): MaskedCard {
  return { issuer: card.issuer, last4: card.last4, ...(card.expiry ? { expiry: { year: card.expiry.year, month: card.expiry.month } } : {}) };
}

/** Whether a subscription already shows this card (a reissued card keeps its number but not its expiry). */
export function sameSubscriptionCard(a: MaskedCard | undefined, b: MaskedCard): boolean {
  return a !== undefined && a.issuer === b.issuer && a.last4 === b.last4 && sameExpiry(a.expiry, b.expiry);
}

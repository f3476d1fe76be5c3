/**
 * The payment-gateway port: everything the system asks of a PG. One adapter
 * per PG family implements it (tosspayments.ts, nicepay.ts, kakaopay.ts,
 * portone.ts, sandbox.ts) and is built per shop from that shop's own contract
 * by registry.ts — adding a PG is its entry in system/payment-gateways.ts, an
 * adapter file and one registration line.
 *
 * Card numbers never reach us: the buyer types them into the PG's window,
 * which answers an authKey (Toss), a pg_token (KakaoPay), a billing key
 * (PortOne) or a transaction id (NICE); we exchange it for a billing key and
 * masked facts.
 */

/** For logs: the gateway id (`tosspayments`, `kcp`, …), or `sandbox:<id>` locally. */
export type GatewayName = string;

/** Masked facts about a registered card: safe to store and show. */
export interface CardFacts {
  readonly method: 'card' | 'kakaopay';
  /** Display name of the issuer, e.g. "KB국민", "Visa", "KakaoPay". */
  readonly issuer: string;
  /** Last four digits when the PG reveals them (a masked number may hide some: null then). */
  readonly last4: string | null;
  readonly cardType: 'credit' | 'check' | 'gift' | 'unknown';
  /** S16: issued abroad / an international brand. */
  readonly foreign: boolean;
  /** KakaoPay only (S10): paying by card or by KakaoPay money. */
  readonly kakaoPayMethod?: 'card' | 'money';
}

export interface IssuedBillingKey {
  /** The PG's token for charging this card later. Secret: never logged, never returned by our API. */
  readonly billingKey: string;
  readonly card: CardFacts;
}

export interface ChargeRequest {
  readonly billingKey: string;
  readonly customerKey: string;
  /** Integer KRW. */
  readonly amount: number;
  /** Merchant order id, deterministic per (subscription, delivery date); the PG keeps it unique. */
  readonly orderId: string;
  readonly orderName: string;
  /** Same (subscription, cycle) → same key: a retried request is answered, not charged again. */
  readonly idempotencyKey: string;
  readonly customerEmail?: string;
}

/**
 * Why a charge was declined, in our words, whichever PG said it
 * (declines.ts maps each PG's own codes): what the buyer's mail and the
 * operators' views explain, and what a dashboard can count across PGs.
 */
export type DeclineReason =
  /** 한도초과 / 잔액부족: the card's limit or the account's balance. */
  | 'INSUFFICIENT_FUNDS'
  /** A cap of the card or the PG: per day, per payment, per month, count of payments. */
  | 'LIMIT_EXCEEDED'
  /** 정지 / 분실 / 도난: the card was stopped. */
  | 'CARD_STOPPED'
  | 'CARD_EXPIRED'
  /** The issuer (or KakaoPay) refused without saying why: the buyer asks the card company. */
  | 'CARD_REFUSED'
  /** The billing key is gone, invalid or belongs to another customer: the buyer registers again. */
  | 'PAYMENT_METHOD_GONE'
  /** Our request as sent can never succeed (amount under the PG's minimum, a field refused): an operator looks. */
  | 'REQUEST_REFUSED'
  /** The lookup found the payment cancelled after all. */
  | 'PAYMENT_CANCELLED'
  /** A decline code we have not classified. */
  | 'DECLINED';

export type ChargeOutcome =
  /** The money was taken. */
  | { readonly status: 'PAID'; readonly paymentKey: string; readonly amount: number; readonly approvedAt: string }
  /**
   * Definitively not taken (decline, stopped card, …); safe to retry later as a new attempt.
   * `code` is the PG's own code, `reason` ours for it (declines.ts); `message` is the PG's
   * text, for operators only — never shown to buyers as is.
   */
  | { readonly status: 'DECLINED'; readonly code: string; readonly message: string; readonly reason: DeclineReason }
  /** We do not know (timeout, network, 5xx): look it up by order id before anything else. */
  | { readonly status: 'UNKNOWN'; readonly message: string };

export type LookupOutcome = ChargeOutcome | { readonly status: 'NOT_FOUND' };

/** A refusal of the PG, with its own code (shown to the buyer as CARD_REGISTRATION_FAILED). */
export class GatewayRefusal extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'GatewayRefusal';
  }
}

export interface RegistrationRequest {
  readonly subscriptionId: string;
  readonly customerKey: string;
  readonly method: 'card' | 'kakaopay';
  /** What the buyer subscribes to, for PGs whose window shows it (KakaoPay's ready). */
  readonly itemName: string;
}

/** What signup hands the storefront, and what checkout must get back. */
export interface OpenedRegistration {
  /** What the storefront needs to open the PG's window (public keys, ids, a redirect URL). Never a secret. */
  readonly window: Record<string, unknown> & { readonly gateway: string };
  /** The PG's handle of this registration (KakaoPay's tid), kept server-side until checkout; not a secret. */
  readonly session?: string;
}

export interface PaymentGateway {
  readonly name: GatewayName;
  /** False for a PG that cannot look a charge up by order id: an unknown outcome then goes to manual review. */
  readonly supportsLookup: boolean;
  /** Prepares the buyer's registration window (KakaoPay: its subscription "ready" call). Throws GatewayRefusal when the PG refuses. */
  openRegistration(input: RegistrationRequest): Promise<OpenedRegistration>;
  /**
   * Exchanges what the registration window handed back (`authKey`) for a billing key.
   * Throws GatewayRefusal when the PG refuses.
   */
  issueBillingKey(input: { readonly authKey: string; readonly customerKey: string; readonly session?: string; readonly subscriptionId?: string }): Promise<IssuedBillingKey>;
  /** Charges with an idempotency key. Never throws for a PG answer: every outcome is a ChargeOutcome. */
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  findChargeByOrderId(orderId: string): Promise<LookupOutcome>;
  /** Deletes the billing key at the PG; deleting one that is already gone succeeds (idempotent). */
  deleteBillingKey(input: { readonly billingKey: string; readonly customerKey: string }): Promise<void>;
}

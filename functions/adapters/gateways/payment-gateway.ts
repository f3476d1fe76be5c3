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

import type { CardExpiry } from '../../domain/card-expiry.ts';
import type { DeclineReason } from './declines.ts';

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
  /** Issue 14: the card's expiry month, where the PG's answer carries it (absent otherwise; see card-expiry.ts). */
  readonly expiry?: CardExpiry;
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

export type ChargeOutcome =
  /** The money was taken. */
  | { readonly status: 'PAID'; readonly paymentKey: string; readonly amount: number; readonly approvedAt: string }
  /**
   * Definitively not taken (decline, stopped card, …); safe to retry later as a new attempt. Built by
   * declines.ts: `code` is the PG's, `reason` and `message` are ours (Korean, shown to buyers), `detail` is
   * the PG's own text, capped, for operators only.
   */
  | { readonly status: 'DECLINED'; readonly code: string; readonly reason: DeclineReason; readonly message: string; readonly detail: string }
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

/**
 * The port, by capability: a function is wired with the part it calls (functions/wiring/gateways.ts,
 * charging-gateways.ts), so a function that only charges carries no registration code, and one that
 * registers or deletes keys no charge code (issue 12: each bundle carries only what it uses).
 */
export interface GatewayIdentity {
  readonly name: GatewayName;
}

/** Registration and custody of billing keys: sign-up, checkout, card change, the stop job. */
export interface BillingKeyGateway extends GatewayIdentity {
  /** Prepares the buyer's registration window (KakaoPay: its subscription "ready" call). Throws GatewayRefusal when the PG refuses. */
  openRegistration(input: RegistrationRequest): Promise<OpenedRegistration>;
  /**
   * Exchanges what the registration window handed back (`authKey`) for a billing key.
   * Throws GatewayRefusal when the PG refuses.
   */
  issueBillingKey(input: { readonly authKey: string; readonly customerKey: string; readonly session?: string; readonly subscriptionId?: string }): Promise<IssuedBillingKey>;
  /** Deletes the billing key at the PG; deleting one that is already gone succeeds (idempotent). */
  deleteBillingKey(input: { readonly billingKey: string; readonly customerKey: string }): Promise<void>;
  /**
   * The live billing keys the PG holds for a customerKey, where the PG can list them (the sandbox; PortOne's
   * billing-key search). The stop job's sweep deletes those the table does not hold (sweep-billing-keys.ts).
   */
  listBillingKeys?(customerKey: string): Promise<readonly LiveBillingKey[]>;
}

/** Charging with a billing key and looking a charge up: the charge worker and the merchant's retry. */
export interface ChargingGateway extends GatewayIdentity {
  /** False for a PG that cannot look a charge up by order id: an unknown outcome then goes to manual review. */
  readonly supportsLookup: boolean;
  /** Charges with an idempotency key. Never throws for a PG answer: every outcome is a ChargeOutcome. */
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  findChargeByOrderId(orderId: string): Promise<LookupOutcome>;
}

/** Everything a PG does (the sandbox, the contract tests). */
export interface PaymentGateway extends BillingKeyGateway, ChargingGateway {}

/** A billing key the PG still holds. */
export interface LiveBillingKey {
  readonly billingKey: string;
  readonly method: 'card' | 'kakaopay';
  readonly issuedAt: string;
}

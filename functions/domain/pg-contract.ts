/**
 * A shop's contract with a payment gateway (S1: "the shop's existing PG
 * contract information is used"; S2: the PG reviews that shop): registered by
 * the platform, one card PG at a time plus KakaoPay (S9), credentials
 * write-only. The rules below are pure: what registering or deleting a
 * contract means for the shop's other contracts and its running service.
 */
import { createHash } from 'node:crypto';
import { PAYMENT_GATEWAYS, type GatewayId } from '../../system/payment-gateways.ts';
import { Conflict, Unprocessable } from '../core/errors.ts';
import type { CardPg, EasyPay, ServiceState } from './shop.ts';

/** What anyone may see of a contract: never its credentials. */
export interface PgContract {
  readonly shopId: string;
  readonly gateway: GatewayId;
  readonly registeredAt: string;
  /** A short digest of the credentials: tells two registrations apart (a rotation) without revealing them. */
  readonly fingerprint: string;
  /**
   * Set when a different card PG's contract replaced it, or it was deleted. A retired contract
   * still serves the stop cascade (deleting billing keys at that PG) until its TTL removes it.
   */
  readonly retiredAt?: string;
}

/** Credentials as the gateway's schema parsed them: field → value. */
export type PgCredentials = Readonly<Record<string, string>>;

/** A retired contract is kept this long for the stop cascade's key deletions at its PG, then expires (TTL). */
export const RETIRED_CONTRACT_DAYS = 30;

/** 12 hex digits of SHA-256 over the gateway and the canonical credentials (high-entropy keys: no brute force). */
export function fingerprintOf(gateway: GatewayId, credentials: PgCredentials): string {
  const canonical = JSON.stringify([gateway, Object.entries(credentials).sort(([a], [b]) => a.localeCompare(b))]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 12);
}

export const isCardGateway = (gateway: GatewayId): gateway is CardPg => PAYMENT_GATEWAYS[gateway].kind === 'card';

/** 422 GATEWAY_NOT_AVAILABLE for a gateway listed `available: false` (Allat, Cafe24 Payments). */
export function requireAvailable(gateway: GatewayId): void {
  const definition = PAYMENT_GATEWAYS[gateway];
  if (!definition.available) {
    throw new Unprocessable('GATEWAY_NOT_AVAILABLE', `${definition.name} cannot be used for subscriptions yet: ${'unavailableReason' in definition ? definition.unavailableReason : ''}`.trim(), [
      { path: 'gateway', message: 'Listed with available: false in GET /payment-gateways.' },
    ]);
  }
}

/** The contracts in force (not retired). */
export const activeContracts = (contracts: readonly PgContract[]) => contracts.filter((contract) => contract.retiredAt === undefined);

/**
 * Registering `gateway`'s contract. S9: one card PG at a time — a different card PG's contract
 * retires the one in force. KakaoPay sits beside it. The same gateway again is a key rotation.
 */
export function registration(contracts: readonly PgContract[], gateway: GatewayId): { readonly retire: readonly GatewayId[]; readonly rotation: boolean } {
  const active = activeContracts(contracts);
  const rotation = active.some((contract) => contract.gateway === gateway);
  const retire = isCardGateway(gateway) ? active.filter((contract) => isCardGateway(contract.gateway) && contract.gateway !== gateway).map((contract) => contract.gateway) : [];
  return { retire, rotation };
}

/**
 * S1: applying with no form uses the contracts in force. An old-style body is accepted only if it
 * agrees with them. 422 GATEWAY_NOT_AVAILABLE first (a gateway that can never be used), then
 * 409 PG_CONTRACT_MISSING.
 */
export function applicationFromContracts(contracts: readonly PgContract[], body: { readonly cardPg?: CardPg; readonly easyPay?: readonly EasyPay[] }): { cardPg: CardPg | null; easyPay: EasyPay[] } {
  if (body.cardPg !== undefined) requireAvailable(body.cardPg);
  const active = activeContracts(contracts);
  const card = active.find((contract) => isCardGateway(contract.gateway))?.gateway as CardPg | undefined;
  const kakaopay = active.some((contract) => contract.gateway === 'kakaopay');
  if (body.cardPg !== undefined && body.cardPg !== card) {
    throw new Conflict('PG_CONTRACT_MISSING', `There is no registered contract with ${PAYMENT_GATEWAYS[body.cardPg].name} for this shop; the platform registers it first.`);
  }
  if (body.easyPay?.includes('kakaopay') && !kakaopay) throw new Conflict('PG_CONTRACT_MISSING', 'There is no registered KakaoPay contract for this shop; the platform registers it first.');
  if (body.cardPg === undefined && body.easyPay === undefined) {
    if (!card && !kakaopay) throw new Conflict('PG_CONTRACT_MISSING', 'This shop has no registered PG contract; the platform registers one first (PUT /platform/shops/{shopId}/pg-contracts/{gateway}).');
    return { cardPg: card ?? null, easyPay: kakaopay ? ['kakaopay'] : [] };
  }
  return { cardPg: body.cardPg ?? null, easyPay: [...(body.easyPay ?? [])] };
}

/** What the service must do when contracts change: nothing, a card-PG change or unlink (S21), or KakaoPay off (S9). */
export type ServiceEffect = { readonly kind: 'none' } | { readonly kind: 'card-pg'; readonly cardPg: CardPg | null } | { readonly kind: 'kakaopay-off' };

/** Registering `gateway` (after `registration`): a different card PG than the service's is S21's change. */
export function effectOfRegistration(service: ServiceState, gateway: GatewayId): ServiceEffect {
  if (!isCardGateway(gateway) || service.cardPg === gateway) return { kind: 'none' };
  // Before applying there is nothing to stop; the service state just follows the contract.
  return { kind: 'card-pg', cardPg: gateway };
}

/** Deleting `gateway`'s contract: the card PG in use is unlinked (S21); KakaoPay in use is switched off. */
export function effectOfDeletion(service: ServiceState, gateway: GatewayId): ServiceEffect {
  if (isCardGateway(gateway)) return service.cardPg === gateway ? { kind: 'card-pg', cardPg: null } : { kind: 'none' };
  return service.easyPay.includes('kakaopay') ? { kind: 'kakaopay-off' } : { kind: 'none' };
}

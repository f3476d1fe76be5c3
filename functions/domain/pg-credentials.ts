/**
 * One schema per gateway for the credentials of a shop's contract
 * (PUT /platform/shops/{shopId}/pg-contracts/{gateway}). The same schemas
 * validate the request and, at use, what the registry opened: a contract that
 * no longer parses is unusable, never half-used. Field names follow each PG's
 * own documentation (see each adapter's header).
 */
import { z } from 'zod';
import type { GatewayId } from '../../system/payment-gateways.ts';

const key = (what: string) => z.string().trim().min(8, `${what}: at least 8 characters.`).max(200);
const httpsUrl = z.httpUrl().max(500).describe("A page of the shop's storefront");

const tossPayments = z.strictObject({
  clientKey: z.string().regex(/^(test|live)_(g?ck)_[A-Za-z0-9]+$/, 'A Toss Payments client key: test_ck_… or live_ck_….'),
  secretKey: z.string().regex(/^(test|live)_(g?sk)_[A-Za-z0-9]+$/, 'A Toss Payments secret key: test_sk_… or live_sk_….'),
});

const nicePay = z.strictObject({
  clientKey: key('clientKey').describe("NICEPAY's client key (also the window's clientId)"),
  secretKey: key('secretKey'),
  returnUrl: httpsUrl.describe("Where NICE's window posts the tid (the storefront's page that calls checkout)"),
});

const kakaoPay = z.strictObject({
  cid: z.string().regex(/^[A-Z0-9]{10}$/, "KakaoPay's subscription CID: 10 capital letters or digits (TCSUBSCRIP to test)."),
  secretKey: key('secretKey').describe("The partner's SECRET_KEY (DEV… / PRD…) from KakaoPay's developers console"),
  approvalUrl: httpsUrl,
  cancelUrl: httpsUrl,
  failUrl: httpsUrl,
});

const portOne = z.strictObject({
  storeId: z.string().regex(/^store-[0-9a-f-]{36}$/, "PortOne's store id: store-<uuid>."),
  apiSecret: key('apiSecret').describe('The V2 API secret of the store'),
  channelKey: z.string().regex(/^channel-key-[0-9a-f-]{36}$/, "The channel key of this PG's channel: channel-key-<uuid>."),
});

/** Available gateways only: Allat and Cafe24 Payments have no schema (422 GATEWAY_NOT_AVAILABLE). */
export const PG_CREDENTIAL_SCHEMAS = {
  tosspayments: tossPayments,
  nicepay: nicePay,
  kakaopay: kakaoPay,
  inicis: portOne,
  kcp: portOne,
  ksnet: portOne,
} as const satisfies Partial<Record<GatewayId, z.ZodType<Record<string, string>>>>;

export type ContractGateway = keyof typeof PG_CREDENTIAL_SCHEMAS;
export type CredentialsOf<G extends ContractGateway> = z.infer<(typeof PG_CREDENTIAL_SCHEMAS)[G]>;

export const hasCredentialSchema = (gateway: GatewayId): gateway is ContractGateway => Object.hasOwn(PG_CREDENTIAL_SCHEMAS, gateway);

/** The fields of a contract that may reach a browser (the registration window). */
export const PUBLIC_CREDENTIAL_FIELDS = ['clientKey', 'storeId', 'channelKey', 'returnUrl'] as const;

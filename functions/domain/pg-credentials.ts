/**
 * One schema per gateway for the credentials of a shop's contract
 * (PUT /platform/shops/{shopId}/pg-contracts/{gateway}): they validate the
 * request. At use, the registry checks what it opened against the same
 * fields (pg-credential-fields.ts, no schema library in the functions that
 * charge): a contract missing one is unusable, never half-used. Field names
 * follow each PG's own documentation (see each adapter's header).
 */
import * as z from '../core/validation.ts';
import type { ContractGateway } from './pg-credential-fields.ts';

export { CREDENTIAL_FIELDS, hasCredentialSchema, type ContractGateway } from './pg-credential-fields.ts';

const key = (what: string) => z.string().check(z.trim(), z.minLength(8, `${what}: at least 8 characters.`), z.maxLength(200));
const httpsUrl = z.httpUrl().check(z.maxLength(500), z.describe("A page of the shop's storefront"));

const tossPayments = z.strictObject({
  clientKey: z.string().check(z.regex(/^(test|live)_(g?ck)_[A-Za-z0-9]+$/, 'A Toss Payments client key: test_ck_… or live_ck_….')),
  secretKey: z.string().check(z.regex(/^(test|live)_(g?sk)_[A-Za-z0-9]+$/, 'A Toss Payments secret key: test_sk_… or live_sk_….')),
});

const nicePay = z.strictObject({
  clientKey: key('clientKey').check(z.describe("NICEPAY's client key (also the window's clientId)")),
  secretKey: key('secretKey'),
  returnUrl: httpsUrl.check(z.describe("Where NICE's window posts the tid (the storefront's page that calls checkout)")),
});

const kakaoPay = z.strictObject({
  cid: z.string().check(z.regex(/^[A-Z0-9]{10}$/, "KakaoPay's subscription CID: 10 capital letters or digits (TCSUBSCRIP to test).")),
  secretKey: key('secretKey').check(z.describe("The partner's SECRET_KEY (DEV… / PRD…) from KakaoPay's developers console")),
  approvalUrl: httpsUrl,
  cancelUrl: httpsUrl,
  failUrl: httpsUrl,
});

const portOne = z.strictObject({
  storeId: z.string().check(z.regex(/^store-[0-9a-f-]{36}$/, "PortOne's store id: store-<uuid>.")),
  apiSecret: key('apiSecret').check(z.describe('The V2 API secret of the store')),
  channelKey: z.string().check(z.regex(/^channel-key-[0-9a-f-]{36}$/, "The channel key of this PG's channel: channel-key-<uuid>.")),
});

/** Available gateways only: Allat and Cafe24 Payments have no schema (422 GATEWAY_NOT_AVAILABLE). */
export const PG_CREDENTIAL_SCHEMAS = {
  tosspayments: tossPayments,
  nicepay: nicePay,
  kakaopay: kakaoPay,
  inicis: portOne,
  kcp: portOne,
  ksnet: portOne,
} as const satisfies Record<ContractGateway, z.ZodMiniType<Record<string, string>>>;

export type CredentialsOf<G extends ContractGateway> = z.infer<(typeof PG_CREDENTIAL_SCHEMAS)[G]>;

/** The fields of a contract that may reach a browser (the registration window). */
export const PUBLIC_CREDENTIAL_FIELDS = ['clientKey', 'storeId', 'channelKey', 'returnUrl'] as const;

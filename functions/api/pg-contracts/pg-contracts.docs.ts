/** A shop's PG contracts (S1, S2, S9, S21): documentation side (functions/api/operation-docs.ts). */
import * as z from '../../core/validation.ts';
import { GATEWAY_IDS } from '../../../system/payment-gateways.ts';
import { notFound, serviceStopping, shopNotFound, type AreaDocs } from '../operation-docs.ts';
import { timestampSchema } from '../common.view.ts';

const gatewayIdSchema = z.enum(GATEWAY_IDS);

export const paymentGatewayView = z.object({
  id: gatewayIdSchema,
  name: z.string(),
  kind: z.enum(['card', 'easyPay']),
  requiredDocuments: z.array(z.string()).check(z.describe('What the merchant submits to this PG for its review (S3)')),
  available: z.boolean(),
  unavailableReason: z.optional(z.string()),
  supportsLookup: z.boolean().check(z.describe('Whether a charge can be looked up by our order id; false sends an unknown outcome to manual review')),
  via: z.enum(['direct', 'portone']),
  credentialFields: z.array(z.string()).check(z.describe('The fields of PUT /platform/shops/{shopId}/pg-contracts/{gateway} for this gateway')),
});

export const pgContractView = z.object({
  gateway: gatewayIdSchema,
  registeredAt: timestampSchema,
  fingerprint: z.string().check(z.describe('A short digest of the credentials: tells registrations apart, reveals nothing')),
});

const gatewayNotAvailable = { status: 422, code: 'GATEWAY_NOT_AVAILABLE', when: 'the gateway is listed available: false (Allat, Cafe24 Payments)' } as const;

export const pgContractsDocs = {
  listPaymentGateways: {
    summary: 'Every payment gateway of S3/S7 and KakaoPay: kind, documents, availability, lookup support, direct or through PortOne',
    rules: ['S3', 'S7', 'S9'],
    response: z.object({ items: z.array(paymentGatewayView) }),
    errors: [],
  },
  putPgContract: {
    summary:
      "Register a shop's contract with a PG: the body is that gateway's credentials (its credentialFields), stored sealed and never returned. " +
      'One card PG at a time: a different card PG replaces the one in force and, on an ACTIVE service, stops it (S21). The same gateway again rotates its keys and stops nothing. KakaoPay sits beside the card PG, or alone.',
    rules: ['S1', 'S2', 'S9', 'S21'],
    errors: [shopNotFound, gatewayNotAvailable, { status: 409, code: 'SERVICE_STOPPING', when: 'a stop is in progress and this contract would change the card PG' }],
  },
  listPgContracts: {
    summary: "The shop's PG contracts in force, masked",
    response: z.object({ items: z.array(pgContractView) }),
    errors: [shopNotFound],
  },
  deletePgContract: {
    summary: "Unlink a shop's contract with a PG; the card PG in use stops the service (S21), KakaoPay in use is switched off",
    rules: ['S9', 'S21'],
    errors: [notFound('The shop or the contract'), serviceStopping],
  },
} satisfies AreaDocs;

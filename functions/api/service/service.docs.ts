/** The shop's subscription service (S1–S9, S21–S24): documentation side (functions/api/operation-docs.ts). */
import * as z from '../../core/validation.ts';
import { CARD_PGS, EASY_PAYS, SERVICE_STATUSES } from '../../domain/shop.ts';
import { STOP_PHASES } from '../../domain/stop-job.ts';
import { serviceStopping, shopNotFound, type AreaDocs } from '../operation-docs.ts';
import { timestampSchema } from '../common.view.ts';
import { pgContractView } from '../pg-contracts/pg-contracts.docs.ts';

const cardPgSchema = z.enum(CARD_PGS);

const stopProgress = z.object({
  phase: z.enum(STOP_PHASES),
  cancelled: z.int(),
  keysDeleted: z.int(),
  mailsSent: z.int(),
  mailsNotSent: z.int(),
});
const stopView = z.object({ reason: z.string(), at: timestampSchema, progress: z.optional(stopProgress) });

export const serviceView = z.object({
  status: z.enum(SERVICE_STATUSES),
  cardPg: z.nullable(cardPgSchema),
  easyPay: z.array(z.enum(EASY_PAYS)),
  requiredDocuments: z.array(z.string()).check(z.describe('What the card PG needs for its review (S3)')),
  rejectionReason: z.optional(z.string()),
  appliedAt: z.optional(timestampSchema),
  reviewedAt: z.optional(timestampSchema),
  stop: z.optional(stopView).check(z.describe('The last stop (S21-S24) and its progress, while STOPPING and after')),
  easyPayStop: z.optional(stopView).check(z.describe('The last KakaoPay switch-off and the progress of its cancellations')),
  stats: z.object({ activeSubscriptions: z.int() }),
  pgContracts: z.optional(z.array(pgContractView)).check(z.describe("The shop's PG contracts in force, masked (never their credentials)")),
});


export const serviceDocs = {
  getService: {
    summary: "The shop's subscription service: status, card PG, easy pay, documents, usage",
    rules: ['S6'],
    response: serviceView,
    errors: [shopNotFound],
  },
  applyForService: {
    summary:
      "Apply for the service on the shop's registered PG contracts (S1: no form, send {}); the PG reviews it. " +
      'A body naming cardPg/easyPay is accepted only if it agrees with the contracts.',
    rules: ['S1', 'S2', 'S3', 'S7', 'S8', 'S9'],
    response: serviceView,
    errors: [
      shopNotFound,
      { status: 409, code: 'PG_CONTRACT_MISSING', when: 'no PG contract is registered for the shop, or the body names a PG without one' },
      { status: 422, code: 'GATEWAY_NOT_AVAILABLE', when: 'the body names a gateway listed available: false' },
      { status: 409, code: 'PRODUCT_MANAGEMENT_NOT_SUPPORTED', when: 'the shop uses the legacy product management (S8)' },
      { status: 409, code: 'ALREADY_APPLIED', when: 'an application is under review, or the service is active or stopping' },
    ],
  },
  reviewApplication: {
    summary: "Record the PG's review result: approved makes the service ACTIVE, rejected records why",
    rules: ['S2'],
    response: serviceView,
    errors: [shopNotFound, { status: 409, code: 'NOT_UNDER_REVIEW', when: 'the shop has no application under review' }],
  },
  changeCardPg: {
    summary: 'Change the card PG; a different PG stops an active or reviewed service',
    rules: ['S9', 'S21'],
    response: serviceView,
    errors: [
      shopNotFound,
      serviceStopping,
      { status: 422, code: 'GATEWAY_NOT_AVAILABLE', when: 'the PG is listed available: false' },
    ],
  },
  unlinkCardPg: {
    summary: 'Unlink the card PG, which stops an active or reviewed service',
    rules: ['S21'],
    response: serviceView,
    errors: [shopNotFound, serviceStopping],
  },
  stopService: {
    summary: 'Stop the service: every subscription is cancelled, every stored card deleted, buyers and operator mailed, in the background',
    rules: ['S22', 'S23', 'S24'],
    response: serviceView,
    errors: [shopNotFound, { status: 409, code: 'SERVICE_NOT_ACTIVE', when: 'the service is not active (nothing to stop)' }],
  },
  setEasyPay: {
    summary: 'Switch KakaoPay on or off, independently of the card PG',
    rules: ['S9'],
    response: serviceView,
    errors: [shopNotFound, serviceStopping, { status: 409, code: 'PG_CONTRACT_MISSING', when: 'KakaoPay switched on without a registered KakaoPay contract' }],
  },
} satisfies AreaDocs;

/** Prepaid SMS and bulk-mail credits (S12, S24): documentation side (functions/api/operation-docs.ts). */
import * as z from '../../core/validation.ts';
import { CREDIT_KINDS } from '../../domain/credits.ts';
import { shopNotFound, type AreaDocs } from '../operation-docs.ts';
import { pageOf, timestampSchema } from '../common.view.ts';

export const creditBalances = z.object({
  sms: z.int().check(z.describe('Spendable SMS credits (S12: one per payment-notice SMS)')),
  bulkMail: z.int().check(z.describe('Spendable bulk-mail credits (S24: one per automatic mail)')),
  reserved: z.object({ sms: z.int(), bulkMail: z.int() }).check(z.describe('Held by sends in progress; what they do not use returns to the balance when they finish')),
});

export const ledgerEntry = z.object({
  id: z.string().check(z.describe('The operation id: a top-up or debit repeated with the same id is applied once')),
  kind: z.enum(CREDIT_KINDS),
  change: z.int().check(z.describe('Positive for a top-up, negative for a debit')),
  reason: z.string().check(z.describe('What it was for: top-up, payment-notice, auto-cancel, auto-cancel-summary, …')),
  subscriptionId: z.optional(z.string()),
  jobId: z.optional(z.string()),
  reference: z.optional(z.string()).check(z.describe('The purchase a top-up is for')),
  at: timestampSchema,
});

export const creditsDocs = {
  topUpCredits: {
    summary: 'Add prepaid SMS and/or bulk-mail credits the shop bought; answers the new balances',
    rules: ['S12', 'S24'],
    response: creditBalances,
    errors: [
      shopNotFound,
      { status: 409, code: 'TOP_UP_REFERENCE_REUSED', when: 'The reference was already used for a top-up of another amount' },
    ],
  },
  getCredits: {
    summary: "The shop's SMS and bulk-mail credit balances (zero before the first top-up)",
    rules: ['S12', 'S24'],
    response: creditBalances,
    errors: [shopNotFound],
  },
  listCreditLedger: {
    summary: 'Every top-up and debit, newest first',
    rules: ['S12', 'S24'],
    response: pageOf(ledgerEntry),
    errors: [],
  },
} satisfies AreaDocs;

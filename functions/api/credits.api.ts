import { z } from 'zod';
import { FUNCTIONS } from '../../system/functions.ts';
import { CREDIT_KINDS } from '../domain/credits.ts';
import { idSchema, pageOf, pageQuery, timestampSchema } from './common.schema.ts';
import { defineOperation, notFound } from './operation.ts';

export { CREDIT_KINDS };

const amount = z.number().int('Credits are whole numbers.').min(1).max(10_000_000);

export const creditBalances = z.object({
  sms: z.number().int().describe('Spendable SMS credits (S12: one per payment-notice SMS)'),
  bulkMail: z.number().int().describe('Spendable bulk-mail credits (S24: one per automatic mail)'),
  reserved: z
    .object({ sms: z.number().int(), bulkMail: z.number().int() })
    .describe('Held by sends in progress; what they do not use returns to the balance when they finish'),
});

export const ledgerEntry = z.object({
  id: z.string().describe('The operation id: a top-up or debit repeated with the same id is applied once'),
  kind: z.enum(CREDIT_KINDS),
  change: z.number().int().describe('Positive for a top-up, negative for a debit'),
  reason: z.string().describe('What it was for: top-up, payment-notice, auto-cancel, auto-cancel-summary, …'),
  subscriptionId: z.string().optional(),
  jobId: z.string().optional(),
  reference: z.string().optional().describe('The purchase a top-up is for'),
  at: timestampSchema,
});

export const creditsApi = {
  topUpCredits: defineOperation({
    route: FUNCTIONS.topUpCredits,
    summary: 'Add prepaid SMS and/or bulk-mail credits the shop bought; answers the new balances',
    rules: ['S12', 'S24'],
    params: z.strictObject({ shopId: idSchema }),
    body: z
      .strictObject({
        sms: amount.optional(),
        bulkMail: amount.optional(),
        reference: idSchema.optional().describe('The purchase this top-up is for; a top-up repeated with the same reference is applied once'),
      })
      .refine((body) => body.sms !== undefined || body.bulkMail !== undefined, { path: ['sms'], message: 'Top up sms, bulkMail, or both.' }),
    response: { status: 200, schema: creditBalances },
    errors: [
      notFound('The shop'),
      { status: 409, code: 'TOP_UP_REFERENCE_REUSED', when: 'The reference was already used for a top-up of another amount' },
    ],
  }),
  getCredits: defineOperation({
    route: FUNCTIONS.getCredits,
    summary: "The shop's SMS and bulk-mail credit balances (zero before the first top-up)",
    rules: ['S12', 'S24'],
    response: { status: 200, schema: creditBalances },
    errors: [notFound('The shop')],
  }),
  listCreditLedger: defineOperation({
    route: FUNCTIONS.listCreditLedger,
    summary: 'Every top-up and debit, newest first',
    rules: ['S12', 'S24'],
    query: pageQuery,
    response: { status: 200, schema: pageOf(ledgerEntry) },
    errors: [],
  }),
};

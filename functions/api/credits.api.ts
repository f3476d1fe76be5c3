import * as z from '../core/validation.ts';
import * as fn from '../../system/functions.ts';
import { CREDIT_KINDS } from '../domain/credits.ts';
import { idSchema, pageOf, pageQuery, timestampSchema } from './common.schema.ts';
import { defineOperation, notFound, operationsOf } from './operation.ts';

export { CREDIT_KINDS };

const amount = z.int('Credits are whole numbers.').check(z.gte(1), z.lte(10_000_000));

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

export const creditsApi = operationsOf({
  topUpCredits: defineOperation({
    route: fn.topUpCredits,
    summary: 'Add prepaid SMS and/or bulk-mail credits the shop bought; answers the new balances',
    rules: ['S12', 'S24'],
    params: z.strictObject({ shopId: idSchema }),
    body: z
      .strictObject({
        sms: z.optional(amount),
        bulkMail: z.optional(amount),
        reference: z.optional(idSchema).check(z.describe('The purchase this top-up is for; a top-up repeated with the same reference is applied once')),
      })
      .check(z.refine((body) => body.sms !== undefined || body.bulkMail !== undefined, { path: ['sms'], message: 'Top up sms, bulkMail, or both.' })),
    response: { status: 200, schema: creditBalances },
    errors: [
      notFound('The shop'),
      { status: 409, code: 'TOP_UP_REFERENCE_REUSED', when: 'The reference was already used for a top-up of another amount' },
    ],
  }),
  getCredits: defineOperation({
    route: fn.getCredits,
    summary: "The shop's SMS and bulk-mail credit balances (zero before the first top-up)",
    rules: ['S12', 'S24'],
    response: { status: 200, schema: creditBalances },
    errors: [notFound('The shop')],
  }),
  listCreditLedger: defineOperation({
    route: fn.listCreditLedger,
    summary: 'Every top-up and debit, newest first',
    rules: ['S12', 'S24'],
    query: pageQuery,
    response: { status: 200, schema: pageOf(ledgerEntry) },
    errors: [],
  }),
});

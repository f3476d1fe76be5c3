import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { SUBSCRIPTION_STATUSES } from '../../domain/subscription.ts';
import { YEAR_MONTH_PATTERN } from '../../domain/card-expiry.ts';
import { idSchema, isoDateSchema, opaqueText } from '../common.schema.ts';
import { pageQuery } from '../page-query.schema.ts';
import { defineOperation } from '../operation.ts';

/** `YYYY-MM`. */
const yearMonthSchema = z.string().check(z.regex(YEAR_MONTH_PATTERN, 'Use a month, YYYY-MM.'));

const listShopSubscriptionsQuery = z
  .extend(pageQuery, {
    status: z.optional(z.enum(SUBSCRIPTION_STATUSES)),
    customerId: z.optional(opaqueText(128)),
    productId: z.optional(idSchema),
    nextDeliveryFrom: z.optional(isoDateSchema).check(z.describe('Inclusive')),
    nextDeliveryTo: z.optional(isoDateSchema).check(z.describe('Inclusive')),
    cycleStatus: z
      .optional(z.enum(['REVIEW']))
      .check(z.describe('Only subscriptions with a cycle in REVIEW (a charge whose outcome an operator must decide), oldest delivery first')),
    email: z
      .optional(z.email().check(z.maxLength(254)))
      .check(z.describe("Issue 13: the buyer's contact email, exact match (case-insensitive); through an index, never a scan")),
    phone: z
      .optional(z.string().check(z.maxLength(20), z.regex(/^\+?[\d\s-]{9,19}$/, 'A phone number: digits, spaces and dashes, e.g. 010-1234-5678.')))
      .check(z.describe("Issue 13: the buyer's contact phone, exact match on its digits (010-1234-5678, 01012345678 and +82 10 1234 5678 are one number)")),
    cardExpiringBy: z
      .optional(yearMonthSchema)
      .check(z.describe('Issue 14: only ACTIVE subscriptions whose card expires in or before this month (YYYY-MM), soonest expiry first; cards whose PG reports no expiry never match')),
  })
  .check(
    z.refine((query) => query.nextDeliveryFrom === undefined || query.nextDeliveryTo === undefined || query.nextDeliveryFrom <= query.nextDeliveryTo, {
      path: ['nextDeliveryTo'],
      message: 'nextDeliveryTo is before nextDeliveryFrom.',
    }),
  );

export const operation = defineOperation('listShopSubscriptions', { route: fn.listShopSubscriptions, query: listShopSubscriptionsQuery, status: 200 });

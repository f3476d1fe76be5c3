import * as z from '../core/validation.ts';
import * as fn from '../../system/functions.ts';
import { defineOperation, notFound, operationsOf } from './operation.ts';

export const notificationSettings = z.strictObject({
  paymentNotice: z.strictObject({ mail: z.boolean(), sms: z.boolean() }),
  autoCancel: z.strictObject({ customerMail: z.boolean(), operatorMail: z.boolean() }),
  operatorEmail: z.email(),
});

/** S15 + S17: the earliest start must leave the D-2 notice in the future, so at least 3 days ahead. */
export const MIN_EARLIEST_DAYS_AHEAD = 3;
export const MAX_LATEST_DAYS_AHEAD = 365;

export const subscriptionSettings = z.strictObject({
  startDateWindow: z
    .strictObject({
      earliestDaysAhead: z.int().check(z.gte(MIN_EARLIEST_DAYS_AHEAD, `At least ${MIN_EARLIEST_DAYS_AHEAD} days ahead, so the payment notice (D-2) is still ahead (S17).`), z.lte(MAX_LATEST_DAYS_AHEAD)),
      latestDaysAhead: z.int().check(z.gte(MIN_EARLIEST_DAYS_AHEAD), z.lte(MAX_LATEST_DAYS_AHEAD)),
    })
    .check(z.refine((window) => window.earliestDaysAhead <= window.latestDaysAhead, { path: ['latestDaysAhead'], message: 'The latest start cannot come before the earliest.' })),
});

export const deliverySettings = z.strictObject({
  avoid: z.strictObject({ sundays: z.boolean(), saturdays: z.boolean(), publicHolidays: z.boolean() }),
  shift: z.enum(['later', 'earlier']),
});

const shopNotFound = notFound('The shop');

export const settingsApi = operationsOf({
  getNotificationSettings: defineOperation({
    route: fn.getNotificationSettings,
    summary: 'Payment-notice mail/SMS and auto-cancel mail settings; all on until changed',
    rules: ['S11', 'S23'],
    response: { status: 200, schema: notificationSettings },
    errors: [shopNotFound],
  }),
  putNotificationSettings: defineOperation({
    route: fn.putNotificationSettings,
    summary: 'Replace the notification settings',
    rules: ['S11', 'S23'],
    body: notificationSettings,
    response: { status: 200, schema: notificationSettings },
    errors: [shopNotFound],
  }),
  getSubscriptionSettings: defineOperation({
    route: fn.getSubscriptionSettings,
    summary: 'The start-date window offered to buyers, in days from today (Asia/Seoul); default 3 to 60',
    rules: ['S15'],
    response: { status: 200, schema: subscriptionSettings },
    errors: [shopNotFound],
  }),
  putSubscriptionSettings: defineOperation({
    route: fn.putSubscriptionSettings,
    summary: 'Set the start-date window offered to buyers',
    rules: ['S15'],
    body: subscriptionSettings,
    response: { status: 200, schema: subscriptionSettings },
    errors: [shopNotFound],
  }),
  getDeliverySettings: defineOperation({
    route: fn.getDeliverySettings,
    summary: 'Days the shop does not deliver on (sundays, saturdays, Korean public holidays) and which way such a delivery moves; off by default',
    rules: ['S15', 'S17'],
    response: { status: 200, schema: deliverySettings },
    errors: [shopNotFound],
  }),
  putDeliverySettings: defineOperation({
    route: fn.putDeliverySettings,
    summary: 'Set the delivery calendar: a delivery on an avoided day moves to the nearest allowed day; the notice (D-2) and charge (D-1) follow it',
    rules: ['S15', 'S17'],
    body: deliverySettings,
    response: { status: 200, schema: deliverySettings },
    errors: [shopNotFound, { status: 409, code: 'HOLIDAY_DATA_UNAVAILABLE', when: 'Public holidays are avoided but the holiday data does not reach a date buyers may pick now' }],
  }),
});

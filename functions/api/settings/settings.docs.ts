/** A shop's settings (S11, S15, S17, S23): documentation side (functions/api/operation-docs.ts). */
import { shopNotFound, type AreaDocs } from '../operation-docs.ts';
import { deliverySettings } from './delivery-settings.schema.ts';
import { notificationSettings } from './notification-settings.schema.ts';
import { subscriptionSettings } from './subscription-settings.schema.ts';


export const settingsDocs = {
  getNotificationSettings: {
    summary: 'Payment-notice mail/SMS and auto-cancel mail settings; all on until changed',
    rules: ['S11', 'S23'],
    response: notificationSettings,
    errors: [shopNotFound],
  },
  putNotificationSettings: {
    summary: 'Replace the notification settings',
    rules: ['S11', 'S23'],
    response: notificationSettings,
    errors: [shopNotFound],
  },
  getSubscriptionSettings: {
    summary: 'The start-date window offered to buyers, in days from today (Asia/Seoul); default 3 to 60',
    rules: ['S15'],
    response: subscriptionSettings,
    errors: [shopNotFound],
  },
  putSubscriptionSettings: {
    summary: 'Set the start-date window offered to buyers',
    rules: ['S15'],
    response: subscriptionSettings,
    errors: [shopNotFound],
  },
  getDeliverySettings: {
    summary: 'Days the shop does not deliver on (sundays, saturdays, Korean public holidays) and which way such a delivery moves; off by default',
    rules: ['S15', 'S17'],
    response: deliverySettings,
    errors: [shopNotFound],
  },
  putDeliverySettings: {
    summary: 'Set the delivery calendar: a delivery on an avoided day moves to the nearest allowed day; the notice (D-2) and charge (D-1) follow it',
    rules: ['S15', 'S17'],
    response: deliverySettings,
    errors: [shopNotFound, { status: 409, code: 'HOLIDAY_DATA_UNAVAILABLE', when: 'Public holidays are avoided but the holiday data does not reach a date buyers may pick now' }],
  },
} satisfies AreaDocs;

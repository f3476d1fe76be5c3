import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';
import { notificationSettings } from './notification-settings.schema.ts';

export const operation = defineOperation('putNotificationSettings', { route: fn.putNotificationSettings, body: notificationSettings, status: 200 });

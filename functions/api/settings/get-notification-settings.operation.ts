import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('getNotificationSettings', { route: fn.getNotificationSettings, status: 200 });

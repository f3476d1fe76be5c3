import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('getSubscriptionSettings', { route: fn.getSubscriptionSettings, status: 200 });

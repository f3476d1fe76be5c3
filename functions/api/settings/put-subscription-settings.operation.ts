import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';
import { subscriptionSettings } from './subscription-settings.schema.ts';

export const operation = defineOperation('putSubscriptionSettings', { route: fn.putSubscriptionSettings, body: subscriptionSettings, status: 200 });

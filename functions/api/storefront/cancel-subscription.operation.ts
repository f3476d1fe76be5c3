import * as fn from '../../../system/functions.ts';
import { subscriptionParams } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';
import { cancelSubscriptionBody } from './cancel-items.schema.ts';

export const operation = defineOperation('cancelSubscription', { route: fn.cancelSubscription, params: subscriptionParams, body: cancelSubscriptionBody, status: 200 });

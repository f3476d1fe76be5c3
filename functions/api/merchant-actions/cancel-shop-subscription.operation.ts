import * as fn from '../../../system/functions.ts';
import { subscriptionParams } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';
import { cancelSubscriptionBody } from '../storefront/cancel-items.schema.ts';

export const operation = defineOperation('cancelShopSubscription', { route: fn.cancelShopSubscription, params: subscriptionParams, body: cancelSubscriptionBody, status: 200 });

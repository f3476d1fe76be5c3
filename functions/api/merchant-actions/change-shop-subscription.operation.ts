import * as fn from '../../../system/functions.ts';
import { subscriptionParams } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';
import { changeSubscriptionBody } from '../storefront/subscription-change.schema.ts';

export const operation = defineOperation('changeShopSubscription', { route: fn.changeShopSubscription, params: subscriptionParams, body: changeSubscriptionBody, status: 200 });

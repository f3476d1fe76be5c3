import * as fn from '../../../system/functions.ts';
import { subscriptionParams } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('getShopSubscription', { route: fn.getShopSubscription, params: subscriptionParams, status: 200 });

import * as fn from '../../../system/functions.ts';
import { subscriptionParams } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';
import { changeSubscriptionBody } from './subscription-change.schema.ts';

export const operation = defineOperation('changeSubscription', { route: fn.changeSubscription, params: subscriptionParams, body: changeSubscriptionBody, status: 200 });

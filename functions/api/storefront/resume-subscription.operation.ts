import * as fn from '../../../system/functions.ts';
import { subscriptionParams } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('resumeSubscription', { route: fn.resumeSubscription, params: subscriptionParams, status: 200 });

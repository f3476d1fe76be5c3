import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { isoDateSchema, subscriptionParams } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('skipDelivery', {
  route: fn.skipDelivery,
  params: subscriptionParams,
  body: z.strictObject({ deliveryDate: isoDateSchema }),
  status: 200,
});

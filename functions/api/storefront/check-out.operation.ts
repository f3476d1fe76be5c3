import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { opaqueText, subscriptionParams } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('checkOut', {
  route: fn.checkOut,
  params: subscriptionParams,
  body: z.union([z.strictObject({ authKey: opaqueText(300) }), z.strictObject({ useRegisteredCard: z.literal(true) })]),
  status: 200,
});

import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { idSchema, isoDateSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('retryCycle', {
  route: fn.retryCycle,
  params: z.strictObject({ subscriptionId: idSchema, deliveryDate: isoDateSchema }),
  status: 200,
});

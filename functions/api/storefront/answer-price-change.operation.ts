import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { subscriptionParams } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('answerPriceChange', {
  route: fn.answerPriceChange,
  params: subscriptionParams,
  body: z.strictObject({ accept: z.boolean() }),
  status: 200,
});

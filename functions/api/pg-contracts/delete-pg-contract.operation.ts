import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { GATEWAY_IDS } from '../../../system/payment-gateways.ts';
import { idSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('deletePgContract', {
  route: fn.deletePgContract,
  params: z.strictObject({ shopId: idSchema, gateway: z.enum(GATEWAY_IDS) }),
  status: 204,
});

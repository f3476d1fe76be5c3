import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { GATEWAY_IDS } from '../../../system/payment-gateways.ts';
import { idSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('putPgContract', {
  route: fn.putPgContract,
  params: z.strictObject({ shopId: idSchema, gateway: z.enum(GATEWAY_IDS) }),
  body: z.record(z.string().check(z.maxLength(40)), z.string().check(z.maxLength(500))).check(z.describe("The gateway's credentials, e.g. Toss Payments {clientKey, secretKey}; see GET /payment-gateways")),
  status: 204,
});

import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { idSchema, isoDateSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

const resolveCycleBody = z.strictObject({
  outcome: z.enum(['charged', 'not-charged']),
  pgReference: z
    .optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200)))
    .check(z.describe("The PG's payment reference the operator found (e.g. its transaction id), kept on the order")),
});

export const operation = defineOperation('resolveCycle', {
  route: fn.resolveCycle,
  params: z.strictObject({ subscriptionId: idSchema, deliveryDate: isoDateSchema }),
  body: resolveCycleBody,
  status: 200,
});

import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { idSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('getPurchaseOptions', { route: fn.getPurchaseOptions, params: z.strictObject({ shopId: idSchema, productId: idSchema }), status: 200 });

import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { idSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('getProduct', { route: fn.getProduct, params: z.strictObject({ productId: idSchema }), status: 200 });

import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { idSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';
import { productBody } from './product.schema.ts';

export const operation = defineOperation('putProduct', { route: fn.putProduct, params: z.strictObject({ productId: idSchema }), body: productBody, status: 200 });

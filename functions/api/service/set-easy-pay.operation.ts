import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('setEasyPay', { route: fn.setEasyPay, body: z.strictObject({ kakaopay: z.boolean() }), status: 200 });

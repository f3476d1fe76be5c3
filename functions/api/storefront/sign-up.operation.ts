import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { isoDateSchema } from '../common.schema.ts';
import { cycleSchema } from '../cycle.schema.ts';
import { defineOperation } from '../operation.ts';
import { itemsSchema, koreanMobile, shippingAddressSchema } from './buyer-fields.schema.ts';

const signUpBody = z.strictObject({
  items: itemsSchema,
  cycle: cycleSchema,
  startDate: isoDateSchema,
  paymentMethod: z.enum(['card', 'kakaopay']),
  contact: z.strictObject({ email: z.email(), phone: koreanMobile }),
  shippingAddress: shippingAddressSchema(),
});

export const operation = defineOperation('signUp', { route: fn.signUp, body: signUpBody, status: 201 });

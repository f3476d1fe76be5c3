import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('getMyCard', {
  route: fn.getMyCard,
  query: z.strictObject({ method: z._default(z.enum(['card', 'kakaopay']), 'card') }),
  status: 200,
});

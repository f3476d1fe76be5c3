import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { CARD_PGS } from '../../domain/shop.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('changeCardPg', { route: fn.changeCardPg, body: z.strictObject({ cardPg: z.enum(CARD_PGS) }), status: 200 });

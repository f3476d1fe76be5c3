import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('unlinkCardPg', { route: fn.unlinkCardPg, status: 200 });

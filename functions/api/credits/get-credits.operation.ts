import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('getCredits', { route: fn.getCredits, status: 200 });

import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('health', { route: fn.health, status: 200 });

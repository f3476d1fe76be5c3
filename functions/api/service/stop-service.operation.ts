import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('stopService', { route: fn.stopService, status: 202 });

import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('openApi', { route: fn.openApi, status: 200 });

import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('listWebhooks', { route: fn.listWebhooks, status: 200 });

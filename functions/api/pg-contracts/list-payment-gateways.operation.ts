import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('listPaymentGateways', { route: fn.listPaymentGateways, status: 200 });

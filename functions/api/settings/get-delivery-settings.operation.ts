import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('getDeliverySettings', { route: fn.getDeliverySettings, status: 200 });

import * as fn from '../../../system/functions.ts';
import { defineOperation } from '../operation.ts';
import { deliverySettings } from './delivery-settings.schema.ts';

export const operation = defineOperation('putDeliverySettings', { route: fn.putDeliverySettings, body: deliverySettings, status: 200 });

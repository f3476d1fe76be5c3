import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { idSchema } from '../common.schema.ts';
import { pageQuery } from '../page-query.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('listWebhookDeliveries', { route: fn.listWebhookDeliveries, params: z.strictObject({ webhookId: idSchema }), query: pageQuery, status: 200 });

import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { idSchema } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('deleteWebhook', { route: fn.deleteWebhook, params: z.strictObject({ webhookId: idSchema }), status: 204 });

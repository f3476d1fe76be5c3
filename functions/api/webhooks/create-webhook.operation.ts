import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { EVENT_TYPES } from '../../../system/events.ts';
import { defineOperation } from '../operation.ts';

export const operation = defineOperation('createWebhook', {
  route: fn.createWebhook,
  body: z.strictObject({
    url: z.string().check(z.maxLength(2048), z.describe('https:// and a public host (http://localhost only on the local runtime)')),
    events: z.array(z.enum(EVENT_TYPES)).check(z.minLength(1), z.maxLength(EVENT_TYPES.length)),
  }),
  status: 201,
  replayWithout: ['secret'],
});

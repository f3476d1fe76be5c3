import * as z from '../../core/validation.ts';
import * as fn from '../../../system/functions.ts';
import { MAX_PAUSE_CYCLES } from '../../domain/between-deliveries.ts';
import { isoDateSchema, subscriptionParams } from '../common.schema.ts';
import { defineOperation } from '../operation.ts';

const pauseBody = z
  .strictObject({
    until: z.optional(isoDateSchema).check(z.describe('Deliveries resume with the first one on or after this date')),
    cycles: z.optional(z.int().check(z.gte(1), z.lte(MAX_PAUSE_CYCLES))).check(z.describe('Pause this many deliveries (the next one counts as the first)')),
  })
  .check(z.refine((body) => body.until === undefined || body.cycles === undefined, 'Give until or cycles, not both.'));

export const operation = defineOperation('pauseSubscription', { route: fn.pauseSubscription, params: subscriptionParams, body: pauseBody, status: 200 });

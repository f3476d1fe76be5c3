import * as z from '../core/validation.ts';
import * as fn from '../../system/functions.ts';
import { defineOperation, operationsOf } from './operation.ts';

export const systemApi = operationsOf({
  health: defineOperation({
    route: fn.health,
    summary: 'Liveness: answers once the table is reachable',
    response: { status: 200, schema: z.object({ status: z.literal('ok'), time: z.string() }) },
    errors: [],
  }),
  openApi: defineOperation({
    route: fn.openApi,
    summary: 'This API as an OpenAPI 3.1 document, generated from the schemas that validate requests',
    response: { status: 200, schema: z.looseObject({ openapi: z.string() }) },
    errors: [],
  }),
});

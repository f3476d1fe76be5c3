/** Liveness and the API's own description: documentation side (functions/api/operation-docs.ts). */
import * as z from '../../core/validation.ts';
import type { AreaDocs } from '../operation-docs.ts';

export const systemDocs = {
  health: {
    summary: 'Liveness: answers once the table is reachable',
    response: z.object({ status: z.literal('ok'), time: z.string() }),
    errors: [],
  },
  openApi: {
    summary: 'This API as an OpenAPI 3.1 document, generated from the schemas that validate requests',
    response: z.looseObject({ openapi: z.string() }),
    errors: [],
  },
} satisfies AreaDocs;

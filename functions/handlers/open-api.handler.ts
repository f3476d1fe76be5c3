import { openApiDocument } from '../api/openapi.ts';
import { operations } from '../api/operations.ts';
import { httpHandler, reply } from '../http/http-handler.ts';

export const handler = httpHandler(operations.openApi, async () => reply(openApiDocument()));

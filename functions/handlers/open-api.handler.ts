import { openApiDocument } from '../api/openapi.ts';
import { operation } from '../api/system/open-api.operation.ts';
import { httpHandler, reply } from '../http/http-handler.ts';

export const handler = httpHandler(operation, async () => reply(openApiDocument()));

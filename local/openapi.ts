/**
 * `npm run --silent openapi > openapi.json`: the OpenAPI 3.1 document that
 * `GET /openapi.json` serves, printed without starting anything — built from
 * the same operations and zod schemas that validate every request.
 */
import { openApiDocument } from '../functions/api/openapi.ts';

// `| head` may stop reading early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.stdout.write(`${JSON.stringify(openApiDocument(), null, 2)}\n`);

/**
 * The typed API client: openapi-fetch over the types that openapi-typescript
 * generated from GET /openapi.json (schema.d.ts, `npm run api:types`). Paths,
 * parameters, bodies and answers are all checked against the API's own
 * description; nothing here restates a shape. This module stays small: the
 * storefront widget carries it onto shops' product pages.
 */
import createClient, { type Client } from 'openapi-fetch';
import { apiErrorFrom } from './errors.ts';
import type { paths } from './schema.d.ts';

export type { paths, components } from './schema.d.ts';
export type Api = Client<paths>;

/** A client; `token` (read at each request) adds the bearer token. */
export function createApi(baseUrl: string, token?: () => string | undefined): Api {
  const client = createClient<paths>({ baseUrl });
  if (token) {
    client.use({
      onRequest({ request }) {
        const value = token();
        if (value) request.headers.set('authorization', `Bearer ${value}`);
        return request;
      },
    });
  }
  return client;
}

/** The answer's data, or an ApiError with the API's code. */
export async function ok<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || !response.ok) throw apiErrorFrom(response.status, error);
  return data as T;
}

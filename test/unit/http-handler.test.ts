import { describe, expect, it } from 'vitest';
import * as z from '../../functions/core/validation.ts';
import type { Context } from 'aws-lambda';
import type { HttpFunction } from '../../system/functions.ts';
import { Conflict } from '../../functions/core/errors.ts';
import { httpHandler, reply, type HttpEvent } from '../../functions/http/http-handler.ts';
import type { Operation } from '../../functions/api/operation.ts';

const route: HttpFunction = { kind: 'http', method: 'POST', path: '/things/{id}', auth: 'admin', entry: 'x', description: 'test', tableActions: [], sends: [] };
const context = {} as Context;

function event(overrides: { claims?: Record<string, string> | null; body?: string; id?: string }): HttpEvent {
  const claims = overrides.claims === undefined ? { sub: 'u', shop: 's', role: 'admin' } : overrides.claims;
  return {
    body: overrides.body,
    pathParameters: { id: overrides.id ?? 'abc' },
    requestContext: claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {},
  } as unknown as HttpEvent;
}

describe('the HTTP adapter maps every outcome to the contract', () => {
  const operation: Operation<HttpFunction, { n: number }, { id: string }> = {
    name: 'thing',
    route,
    body: z.object({ n: z.int() }),
    params: z.object({ id: z.string().check(z.minLength(3)) }),
    status: 200,
  };
  const handler = httpHandler(operation, async ({ body, params, principal }) => {
    if (body.n === 409) throw new Conflict('ALREADY_APPLIED', 'Applied already.');
    if (body.n === 500) throw new Error('secret table name arn:aws:dynamodb:xyz');
    return reply({ n: body.n, id: params.id, shop: principal.shop });
  });

  it('passes validated input and the principal to the action', async () => {
    const response = await handler(event({ body: '{"n":1}' }), context);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ n: 1, id: 'abc', shop: 's' });
  });

  it('reports body and path failures together, each by its path', async () => {
    const response = await handler(event({ body: '{"n":1.5}', id: 'x' }), context);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body).error.details.map((d: { path: string }) => d.path)).toEqual(['n', 'path.id']);
  });

  it('shows a domain error with its status and code', async () => {
    const response = await handler(event({ body: '{"n":409}' }), context);
    expect(response.statusCode).toBe(409);
    expect(JSON.parse(response.body).error).toEqual({ code: 'ALREADY_APPLIED', message: 'Applied already.', details: [] });
  });

  it('turns anything else into a generic 500 that leaks nothing', async () => {
    const response = await handler(event({ body: '{"n":500}' }), context);
    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('arn:aws');
    expect(JSON.parse(response.body).error.code).toBe('INTERNAL_ERROR');
  });

  it('ends every JSON body with a newline, so that curl leaves the prompt on its own line', async () => {
    expect((await handler(event({ body: '{"n":1}' }), context)).body).toMatch(/\}\n$/);
    expect((await handler(event({ body: '{"n":409}' }), context)).body).toMatch(/\}\n$/);
    expect((await handler(event({ body: '{"n":500}' }), context)).body).toMatch(/\}\n$/);
  });

  it('answers 401 without claims and 403 for another role', async () => {
    expect((await handler(event({ claims: null, body: '{"n":1}' }), context)).statusCode).toBe(401);
    expect((await handler(event({ claims: { sub: 'u', shop: 's', role: 'customer' }, body: '{"n":1}' }), context)).statusCode).toBe(403);
  });
});

/**
 * Local API Gateway (HTTP API, payload format 2.0): matches a request to a
 * route of system/functions.ts, checks the bearer token as the JWT authorizer
 * would, and builds the event the deployed handler receives.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Context } from 'aws-lambda';
import { httpFunctions, type FunctionName, type HttpFunction } from '../system/functions.ts';
import type { HttpEvent } from '../functions/http/http-handler.ts';
import { ValidationFailed } from '../functions/core/errors.ts';

export interface MatchedRoute {
  readonly name: FunctionName;
  readonly definition: HttpFunction;
  readonly pathParameters: Record<string, string>;
}

interface CompiledRoute {
  readonly name: FunctionName;
  readonly definition: HttpFunction;
  readonly pattern: RegExp;
  readonly parameterNames: string[];
}

const compiled: CompiledRoute[] = httpFunctions().map(([name, definition]) => {
  const parameterNames: string[] = [];
  const source = definition.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_all, name: string) => {
    parameterNames.push(name);
    return '([^/]+)';
  });
  return { name, definition, pattern: new RegExp(`^${source}$`), parameterNames };
});

/** A path segment as API Gateway hands it over; a broken %-escape is the caller's mistake (API Gateway answers 400 too). */
function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ValidationFailed([{ path: 'path', message: 'The path has a malformed %-escape.' }], 'The request path is not valid.');
  }
}

/** Finds the route for a method and path; `methodAllowed` is false when only the path matched. */
export function matchRoute(method: string, path: string): MatchedRoute | { methodAllowed: false } | undefined {
  let pathMatched = false;
  for (const route of compiled) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathMatched = true;
    if (route.definition.method !== method) continue;
    const pathParameters = Object.fromEntries(route.parameterNames.map((name, i) => [name, decodePathSegment(match[i + 1] ?? '')]));
    return { name: route.name, definition: route.definition, pathParameters };
  }
  return pathMatched ? { methodAllowed: false } : undefined;
}

/** The payload-2.0 event API Gateway would send for this request. */
export function toApiGatewayEvent(request: IncomingMessage, url: URL, route: MatchedRoute, body: string, claims: Record<string, string> | null): HttpEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  // API Gateway joins repeated query parameters with commas.
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const routeKey = `${route.definition.method} ${route.definition.path}`;
  const event = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(route.pathParameters).length ? route.pathParameters : undefined,
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: { method: route.definition.method, path: url.pathname, protocol: `HTTP/${request.httpVersion}`, sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims, scopes: [] } } } : {}),
    },
  };
  return event as unknown as HttpEvent;
}

/** A Lambda context good enough for handlers and Powertools. */
export function lambdaContext(functionName: string, timeoutSeconds: number): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-northeast-2:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

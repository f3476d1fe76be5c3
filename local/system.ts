/**
 * The whole system on one machine: embedded DynamoDB, SES, SNS, SQS (with the
 * queue workers behind it) and EventBridge, the local API Gateway, the
 * scheduler and the `/_local/*` endpoints, in one process.
 * Handlers are the deployed modules, unchanged: they find the embedded
 * services through the SDK's own AWS_ENDPOINT_URL_* settings.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { FUNCTIONS, type FunctionDefinition, type FunctionName } from '../system/functions.ts';
import { parseSandboxPgDelay } from '../system/settings.ts';
import { Forbidden, NotFound, Unauthenticated, ValidationFailed } from '../functions/core/errors.ts';
import { scopeFor, scopesOf } from '../system/auth.ts';
import { ClockMemory, LocalClock } from './clock.ts';
import { ensureTable, startDynamo } from './dynamo.ts';
import { handlerEnvironment } from './environment.ts';
import { lambdaContext, matchRoute, toApiGatewayEvent } from './api-gateway.ts';
import { loadHandler, REPO_ROOT } from './handlers.ts';
import { handleLocal, type LocalServices } from './local-endpoints.ts';
import { startEventBridge } from './eventbridge.ts';
import { EVENT_SOURCE, EVENT_TYPES } from '../system/events.ts';
import { receiveWebhook, WEBHOOK_SINK_PREFIX } from './webhook-sink.ts';
import { startKms } from './kms.ts';
import { startMail } from './mail.ts';
import { listen, readBody } from './net.ts';
import { assertPortsFree } from './ports.ts';
import { Outbox } from './outbox.ts';
import { LocalPages } from './pages.ts';
import { kindRoutes, LOCAL_ACCOUNT, LocalQueues, ROUTER_QUEUE_NAME } from './queues.ts';
import { SandboxPg } from './sandbox-pg.ts';
import { LocalScheduler, runTimesFrom } from './scheduler.ts';
import { startSms } from './sms.ts';
import { startSqs } from './sqs.ts';
import { LocalTokens } from './tokens.ts';

export const LOCAL_TABLE_NAME = 'subscriptions-local';
/** EVENT_BUS_NAME locally: the bus the local EventBridge knows (as `subscriptions-<stage>` in AWS). */
export const LOCAL_EVENT_BUS_NAME = 'subscriptions-local';

export interface LocalSystemOptions {
  /** HTTP port; 0 picks free ports for everything. The embedded services take the next six ports. */
  readonly port?: number;
  /** A folder for the embedded data, or 'memory' to keep nothing. */
  readonly data?: string;
  readonly host?: string;
  /** Create the demo shop (README walkthrough). */
  readonly seed?: boolean;
  /** Run the real-time scheduler ticker (tests move the clock instead). */
  readonly tick?: boolean;
  /** Build the pages at once (npm start) rather than when the first page is asked for. */
  readonly buildPages?: boolean;
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Start the simulated clock here (never behind real time or a kept clock), with no run fired before it: a
   * test of dated rules (a public holiday, a card's expiry) starts on its dates without paying for every run
   * in between.
   */
  readonly startAt?: Date;
}

export interface LocalSystem extends LocalServices {
  readonly url: string;
  readonly queues: LocalQueues;
  readonly inboxUrl: string;
  /** The pages on the API's port (GET /); `prepare()` resolves when their build is ready. */
  readonly pages: LocalPages;
  /** Invokes one function as its trigger would (used by the scheduler and `npm run invoke`). */
  invoke(name: FunctionName, event: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

let started = false;

export async function startLocalSystem(options: LocalSystemOptions = {}): Promise<LocalSystem> {
  // Handlers read their configuration once per process, at module load.
  if (started) throw new Error('One local system per process: handlers read their environment once.');
  const env = options.env ?? process.env;
  const host = options.host ?? '127.0.0.1';
  const basePort = options.port ?? 3000;
  // Before anything starts: a busy port is one clear error naming its service, and nothing is left half-started.
  await assertPortsFree(basePort, host);
  started = true;

  const port = (offset: number) => (basePort === 0 ? 0 : basePort + offset);
  const dataDir = !options.data || options.data === 'memory' ? null : resolve(REPO_ROOT, options.data);

  // With a data folder the clock continues where it stood (never behind real time); in memory it starts at the real time.
  const clockMemory = ClockMemory.open(dataDir);
  const keptClock = clockMemory.load();
  const startAt = options.startAt && (!keptClock || options.startAt > keptClock.now) ? options.startAt : undefined;
  const clock = new LocalClock(Date.now, startAt ?? keptClock?.now);
  const outbox = Outbox.create(dataDir);
  const dynamo = await startDynamo({ dataDir: dataDir ? join(dataDir, 'dynamodb') : null, port: port(1), host });
  const mail = await startMail({ host, inboxPort: port(2), apiPort: port(3), outbox, clock });
  const sms = await startSms({ host, port: port(4), outbox, clock });
  // The queues need the handlers (loaded below); the endpoint only needs them once a handler sends.
  const late: { queues?: LocalQueues } = {};
  const sqs = await startSqs({
    host,
    port: port(5),
    queues: () => {
      if (!late.queues) throw new Error('The local queues are not ready yet');
      return late.queues;
    },
  });
  // The webhook rule (lib/stateful-stack.ts): the webhook event types go to the fan-out worker's queue.
  const eventBridge = await startEventBridge({
    host,
    port: port(6),
    outbox,
    clock,
    buses: [LOCAL_EVENT_BUS_NAME],
    forward: (event) => {
      if (event.source !== EVENT_SOURCE || !(EVENT_TYPES as readonly string[]).includes(event['detail-type'])) return;
      late.queues?.queue('webhookFanout')?.send(JSON.stringify(event));
    },
  });
  const kms = await startKms({ host, port: port(7), dataDir });
  await ensureTable(dynamo.client, LOCAL_TABLE_NAME);

  // The API listens before the handlers load: it also serves the sandbox PG, whose URL they read at load.
  let app: ((request: IncomingMessage, response: ServerResponse) => void) | null = null;
  const server = createServer((request, response) => {
    if (app) return app(request, response);
    sendJson(response, 503, { error: { code: 'STARTING', message: 'The local system is still starting.', details: [] } });
  });
  const api = await listen(server, basePort, host);

  const queueUrl = (name: string) => `${sqs.url}/${LOCAL_ACCOUNT}/${name}`;
  const endpoints = {
    tableName: LOCAL_TABLE_NAME,
    dynamodb: dynamo.url,
    ses: mail.endpoint,
    sns: sms.url,
    sqs: sqs.url,
    eventBridge: eventBridge.url,
    eventBusName: LOCAL_EVENT_BUS_NAME,
    sandboxPg: api.url,
    kms: kms.url,
    kmsKeyId: kms.keyId,
  };
  const info: Record<string, string> = { ...endpoints, sesInbox: mail.inboxUrl, api: api.url };
  // One environment for every handler in this process: dispatchers share the router URL (see local/queues.ts).
  Object.assign(process.env, handlerEnvironment({ ...endpoints, workQueueUrl: queueUrl(ROUTER_QUEUE_NAME) }, env));
  // Runtime modules are imported only now, so that they see the environment above.
  const { useClock, deps } = await import('../functions/wiring.ts');
  const { errorResponse } = await import('../functions/http/http-handler.ts');
  const { DISPATCHED_KIND } = await import('../functions/use-cases/runs/dispatch.ts');
  const { STOP_ENQUEUED_KIND } = await import('../functions/use-cases/stop-job.ts');
  const { PRICE_CHANGE_ENQUEUED_KIND } = await import('../functions/use-cases/price-change-job.ts');
  const { WEBHOOK_ENQUEUED_KIND } = await import('../functions/use-cases/webhook-delivery.ts');
  const { RETRY_ENQUEUED_KIND } = await import('../functions/use-cases/retry-cycle.ts');
  // The seed runs the API's use cases (a PG contract's pulls in the logger): imported late for the same reason.
  const { seedDemo } = await import('./seed.ts');
  const { sealer } = await import('../functions/wiring/sealer.ts');
  const { workQueue } = await import('../functions/wiring/work-queue.ts');
  useClock(clock);

  const invoke = async (name: FunctionName, event: unknown) => {
    const handler = await loadHandler(name);
    const definition: FunctionDefinition = FUNCTIONS[name];
    return handler(event, lambdaContext(name, definition.timeoutSeconds ?? 10));
  };
  const localQueues = new LocalQueues(
    sqs.url,
    clock,
    invoke,
    kindRoutes({ ...DISPATCHED_KIND, ...STOP_ENQUEUED_KIND, ...PRICE_CHANGE_ENQUEUED_KIND, ...WEBHOOK_ENQUEUED_KIND, ...RETRY_ENQUEUED_KIND }),
    dataDir ? join(dataDir, 'queues.json') : null,
  );
  late.queues = localQueues;
  for (const { name, url } of localQueues.stats().queues) info[`queue.${name}`] = url;
  info.workQueueRouter = localQueues.routerUrl;
  // Like a test clock: each run's queued work is done before the next run fires.
  const scheduler = new LocalScheduler(runTimesFrom(env), clock, (name, scheduledTime) => invoke(name, { scheduledTime }), () => localQueues.drain(), {
    ...(keptClock && !startAt ? { firedUpTo: keptClock.firedUpTo } : {}),
    save: (state) => clockMemory.save(state),
  }, localQueues);
  const tokens = LocalTokens.create(dataDir);
  const sandboxPg = SandboxPg.create(dataDir, clock, { answerDelayMs: parseSandboxPgDelay(env.SANDBOX_PG_DELAY_MS) });
  const services: LocalServices = { clock, scheduler, outbox, tokens, sandboxPg, queues: localQueues, info };

  if (options.seed ?? true) await seedDemo({ ...deps, sealer, workQueue });

  const pages = new LocalPages();
  if (options.buildPages) void pages.prepare().catch(() => undefined);
  app = (request, response) => {
    void serve(services, pages, invoke, errorResponse, request, response);
  };
  // What the queues held when the process last stopped or died: as SQS would, it is still there.
  localQueues.restore();
  if (options.tick ?? true) scheduler.start();

  return {
    ...services,
    url: api.url,
    inboxUrl: mail.inboxUrl,
    pages,
    invoke,
    stop: async () => {
      await scheduler.stop();
      // Let queued work finish (it fails into the DLQ at worst) before its services go away; a hung worker gets 10 s.
      await Promise.race([localQueues.drain(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
      await api.close();
      await eventBridge.close();
      await kms.close();
      await sqs.close();
      await sms.close();
      await mail.close();
      await dynamo.close();
    },
  };
}

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET,POST,PUT,DELETE,OPTIONS',
  'access-control-allow-headers': 'authorization,content-type',
};

function send(response: ServerResponse, statusCode: number, headers: Record<string, string>, body: string, cors = true): void {
  response.writeHead(statusCode, { ...(cors ? CORS_HEADERS : {}), ...headers });
  response.end(body);
}

/**
 * A browser names the page's origin on cross-origin requests (and on same-origin POSTs); tools like curl send
 * none. Only an Origin equal to this server's own, or none, is same-origin; Sec-Fetch-Site, when sent, must agree.
 */
function sameOrigin(request: IncomingMessage): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = request.headers.origin;
  return origin === undefined || origin === `http://${request.headers.host ?? ''}`;
}

function sendJson(response: ServerResponse, statusCode: number, body: unknown): void {
  send(response, statusCode, { 'content-type': 'application/json; charset=utf-8' }, `${JSON.stringify(body)}\n`);
}

type ErrorMapper = (error: unknown) => { statusCode: number; headers: Record<string, string>; body: string };

async function serve(
  services: LocalServices,
  pages: LocalPages,
  invoke: (name: FunctionName, event: unknown) => Promise<unknown>,
  errorResponse: ErrorMapper,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const url = URL.parse(request.url ?? '/', 'http://localhost') ?? new URL('http://localhost/_malformed');
  const cors = !url.pathname.startsWith('/_local/');
  try {
    const method = request.method ?? 'GET';
    const body = await readBody(request);
    // No CORS for the local endpoints: a page of another origin cannot even read their answers.
    if (method === 'OPTIONS') return send(response, 204, {}, '', cors);
    // The pages (GET /, *.html, the widget, assets, the sandbox PG's window): never an API route.
    if (await pages.serve(method, url, response)) return;

    // The dev webhook sink: any caller (the delivery worker has no Origin), the raw body as signed.
    if (method === 'POST' && url.pathname.startsWith(WEBHOOK_SINK_PREFIX)) {
      const status = receiveWebhook(services, url, request.headers, body);
      return send(response, status, {}, '', false);
    }
    if (url.pathname.startsWith('/_local/')) {
      // Tokens, the clock, the sandbox PG: only the dev console (same origin) and tools without an Origin (curl).
      if (!sameOrigin(request)) throw new Forbidden('The local endpoints answer same-origin requests only.');
      let json: unknown;
      try {
        json = body === '' ? undefined : JSON.parse(body);
      } catch {
        throw new ValidationFailed([{ path: 'body', message: 'The body is not valid JSON.' }]);
      }
      const answer = await handleLocal(services, method, url, json);
      return send(response, 200, { 'content-type': 'application/json; charset=utf-8' }, `${JSON.stringify(answer)}\n`, false);
    }

    const route = matchRoute(method, url.pathname);
    if (!route || !('name' in route)) throw new NotFound(`Route ${method} ${url.pathname}`);
    let claims: Record<string, string> | null = null;
    if (route.definition.auth !== 'public') {
      // As the JWT authorizer: no valid token, no handler; a token without the route's scope (an ID token) is 403.
      claims = await services.tokens.verify(request.headers.authorization);
      if (!claims) throw new Unauthenticated();
      if (!scopesOf(claims.scope).includes(scopeFor(route.definition.auth))) throw new Forbidden('This token lacks the scope this endpoint requires.');
    }
    const result = (await invoke(route.name, toApiGatewayEvent(request, url, route, body, claims))) as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
    };
    send(response, result.statusCode, result.headers ?? {}, result.body ?? '');
  } catch (error) {
    // The same mapping the handlers use: one place turns errors into HTTP.
    const mapped = errorResponse(error);
    send(response, mapped.statusCode, mapped.headers, mapped.body, cors);
  }
}

/**
 * `npm run invoke -- <function> [events/<file>.json]`: runs one handler with a
 * sample event against the running local system (`npm start`), with its
 * table, mail, SMS, queues and clock, and prints what the handler returned.
 * A dispatcher's messages land on the running system's queue, whose worker
 * picks them up there. The system is found at LOCAL_URL, else at
 * http://localhost:${PORT:-3000}.
 */
import { functionNames, FUNCTIONS, type FunctionDefinition, type FunctionName } from '../system/functions.ts';
import { fixedClock } from '../functions/core/clock.ts';
import { handlerEnvironment } from './environment.ts';
import { loadEvent, sampleEventPath } from './events.ts';
import { lambdaContext } from './api-gateway.ts';
import { loadHandler } from './handlers.ts';

const [nameArg, fileArg] = process.argv.slice(2);
const toCamel = (value: string) => value.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase());
const name = nameArg ? (toCamel(nameArg) as FunctionName) : undefined;
if (!name || !functionNames.includes(name)) {
  console.error(`Usage: npm run invoke -- <function> [event file]\nFunctions: ${functionNames.map((fn) => `${fn} (${sampleEventPath(fn)})`).join(', ')}`);
  process.exit(2);
}

const base = process.env.LOCAL_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
let info: Record<string, string>;
let now: string;
try {
  info = (await (await fetch(`${base}/_local/info`)).json()) as Record<string, string>;
  now = ((await (await fetch(`${base}/_local/clock`)).json()) as { now: string }).now;
} catch {
  const from = process.env.LOCAL_URL ? 'LOCAL_URL' : process.env.PORT ? 'PORT' : 'the default port; set LOCAL_URL or PORT to reach another';
  console.error(`No local system answers at ${base} (${from}). Start it first with: npm start (with the same PORT)`);
  process.exit(1);
}

// One function in this process, so a dispatcher gets its own worker's queue, as in AWS (not the in-process router).
const fn: FunctionDefinition = FUNCTIONS[name];
const workQueueUrl = (fn.enqueuesFor ? info[`queue.${fn.enqueuesFor}`] : undefined) ?? info.workQueueRouter ?? '';
Object.assign(
  process.env,
  handlerEnvironment(
    {
      tableName: info.tableName ?? '',
      dynamodb: info.dynamodb ?? '',
      ses: info.ses ?? '',
      sns: info.sns ?? '',
      sqs: info.sqs ?? '',
      eventBridge: info.eventBridge ?? '',
      eventBusName: info.eventBusName ?? '',
      workQueueUrl,
      sandboxPg: info.sandboxPg ?? base,
      kms: info.kms ?? '',
      kmsKeyId: info.kmsKeyId ?? '',
    },
    process.env,
  ),
);
const { useClock } = await import('../functions/wiring.ts');
// Run at the local system's simulated time, not this machine's.
useClock(fixedClock(now));

const event = loadEvent(name, fileArg);
const handler = await loadHandler(name);
const result = await handler(event, lambdaContext(name, fn.timeoutSeconds ?? 10));
console.log(JSON.stringify(result, null, 2));

/**
 * `npm start`: the whole system on this machine, no AWS account needed.
 * Settings: PORT (default 3000), LOCAL_DATA (folder, default .local/; or memory).
 */
import { MAX_BASE_PORT, portInUseFrom } from './ports.ts';
import { startLocalSystem, type LocalSystem } from './system.ts';

const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > MAX_BASE_PORT) {
  console.error(`PORT must be a port number (0–${MAX_BASE_PORT}; the next six ports are used too), got "${process.env.PORT}"`);
  process.exit(1);
}
const data = process.env.LOCAL_DATA ?? '.local';

let system: LocalSystem;
try {
  system = await startLocalSystem({ port, data, buildPages: true });
} catch (error) {
  const inUse = portInUseFrom(error, port);
  if (!inUse) throw error;
  // One line a person can act on; the stack trace would only name the server that lost the race.
  console.error(inUse.message);
  process.exit(1);
}
const base = system.url.replace('127.0.0.1', 'localhost');
console.log(`
Subscription backend running locally (data: ${data === 'memory' ? 'in memory, kept nowhere' : data})
  Pages        ${base}/            storefront, my subscriptions, merchant, platform and dev consoles
  API          ${base}            try: curl ${base}/health
  Mail inbox   ${system.inboxUrl.replace('127.0.0.1', 'localhost')}
  Outbox       ${base}/_local/outbox
  Queues       ${base}/_local/queues
  Clock        ${base}/_local/clock   (POST {"now": "..."} to move it and fire the daily runs)
  DynamoDB     ${system.info.dynamodb}  (table ${system.info.tableName})
Press Ctrl+C to stop.
`);

// The pages build in the background (only after a change of web/); the banner above did not wait for it.
system.pages.prepare().then(
  ({ built, ms }) => built && console.log(`Pages built in ${(ms / 1000).toFixed(1)} s: open ${base}/`),
  (error: unknown) => console.error(`The pages could not be built: ${error instanceof Error ? error.message : String(error)}`),
);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    void system.stop().then(() => process.exit(0));
  });
}

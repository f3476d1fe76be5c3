/**
 * `npm start`: the whole system on this machine, no AWS account needed.
 * Settings: PORT (default 3000), LOCAL_DATA (folder, default .local/; or memory).
 */
import { readLocalSettings, SettingError, type LocalSettings } from '../system/settings.ts';
import { portInUseFrom } from './ports.ts';
import { startLocalSystem, type LocalSystem } from './system.ts';

// Every setting is checked before anything starts: a bad one is one line naming it and what it accepts.
let settings: LocalSettings;
try {
  settings = readLocalSettings(process.env);
} catch (error) {
  if (!(error instanceof SettingError)) throw error;
  console.error(error.message);
  process.exit(1);
}
const { port, data } = settings;

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

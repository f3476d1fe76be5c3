/**
 * `npm run walkthrough`: proves that README.md's walkthroughs run as written,
 * again and again, on a port that is not the default.
 *
 * It starts `npm start` on a free port with a fresh data folder, runs every
 * ```sh block of README's "Walkthroughs" section literally, in order, in one
 * bash shell with PORT exported (as README tells the reader to), twice; then
 * stops the system, starts it again on the same data and runs them a third
 * time. Each run must:
 * - exit 0 (bash -e: a command that fails, or a `field` of an answer that is
 *   not JSON, stops it);
 * - print no `undefined` (a `field` that is not in the answer);
 * - show exactly the HTTP statuses its comments announce (`-w 'HTTP …'` lines);
 * - show no error code its comments do not name;
 * - leave the shop where the walkthrough says: subscriptions cancelled (every
 *   item too), two cycles charged 61,000 and 25,000, the notices and the
 *   auto-cancel mail sent, the shop applying again;
 * - show every PG's shop of walkthrough 5 ACTIVE and charged 25,000.
 * Options: `--runs N` (default 3; the last one after a restart), `--keep`
 * (keep the data folder and the logs), `--readme FILE` (another markdown file,
 * e.g. a draft).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from './handlers.ts';
import { firstBusyPort, MAX_BASE_PORT } from './ports.ts';
import { announcedErrorCodes, announcedStatuses, readReadme, walkthroughBlocks, walkthroughScript } from './readme-walkthroughs.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, keep: { type: 'boolean', default: false }, readme: { type: 'string' } } });
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of at least 1');

const RUN_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 60_000;

const blocks = walkthroughBlocks(values.readme ? readFileSync(values.readme, 'utf8') : readReadme(REPO_ROOT));
if (blocks.length === 0) throw new Error('README.md has no ```sh blocks under "## Walkthroughs"');
const script = `${walkthroughScript(blocks)}\n# --- npm run walkthrough: what the checks read afterwards\necho "@@walkthrough SHOP=$SHOP"\n`;
const statuses = announcedStatuses(blocks);
const namedCodes = announcedErrorCodes(blocks);

const work = mkdtempSync(join(tmpdir(), 'walkthrough-'));
const dataDir = join(work, 'data');
const port = await freePort();
const base = `http://localhost:${port}`;

interface Started {
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** `npm start`, as README says, on our port and data folder; resolves once its banner is out. */
function npmStart(log: string): Promise<Started> {
  const child = spawn('npm', ['start'], { cwd: REPO_ROOT, detached: true, env: { ...process.env, PORT: String(port), LOCAL_DATA: dataDir } });
  let output = '';
  const collect = (chunk: Buffer) => (output += chunk.toString());
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, signal);
    } catch {
      // gone already
    }
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      const hard = setTimeout(() => killGroup('SIGKILL'), 20_000);
      child.once('exit', () => {
        clearTimeout(hard);
        writeFileSync(log, output);
        resolve();
      });
      killGroup('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`npm start did not come up within ${START_TIMEOUT_MS / 1000} s:\n${output}`));
    }, START_TIMEOUT_MS);
    child.stdout?.on('data', () => {
      if (!output.includes('Press Ctrl+C')) return;
      clearTimeout(timer);
      resolve({ child, stop });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`npm start exited with ${code}:\n${output}`));
    });
  });
}

/** Runs the walkthrough script in one bash shell, as a reader would paste it. */
function runScript(): Promise<{ code: number | null; output: string; ms: number }> {
  const began = Date.now();
  return new Promise((resolve) => {
    const child = spawn('bash', ['-e', '-c', script], { cwd: REPO_ROOT, env: { ...process.env, PORT: String(port) } });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - began });
    });
  });
}

/** What one run must have shown; each problem is one line. */
async function check(output: string): Promise<string[]> {
  const problems: string[] = [];
  if (/^undefined$/m.test(output)) problems.push('a `field` printed undefined: an answer lacked the field the walkthrough reads');
  const shown = [...output.matchAll(/^HTTP (\d{3})$/gm)].map((match) => Number(match[1]));
  const expected = statuses.map((entry) => entry.status);
  if (shown.join(',') !== expected.join(',')) problems.push(`HTTP statuses ${shown.join(', ')}; the comments announce ${expected.join(', ')}`);
  for (const match of output.matchAll(/"error":\{"code":"([A-Z_]+)"/g)) {
    if (!namedCodes.has(match[1] ?? '')) problems.push(`an error no comment announces: ${match[1]}`);
  }
  // Walkthrough 5: a shop on every available PG and a KakaoPay-only one, each charged through its own contract.
  for (const gateway of ['tosspayments', 'nicepay', 'inicis', 'kcp', 'ksnet', 'kakaopay']) {
    if (!output.includes(`\n${gateway}: ACTIVE, ACTIVE\n`) || !output.includes(`\n${gateway}: CHARGED 25000\n`)) problems.push(`walkthrough 5: the ${gateway} shop did not reach ACTIVE and CHARGED 25000`);
  }
  const shop = /^@@walkthrough SHOP=(\S+)$/m.exec(output)?.[1];
  if (!shop) return [...problems, 'the walkthrough did not get to its end'];
  problems.push(...(await checkOutcome(shop)));
  return problems;
}

/** The parts of the API's answers the outcome check reads. */
interface Answer {
  readonly token?: string;
  readonly status?: string;
  readonly cardPg?: string | null;
  readonly cancelReason?: string;
  readonly contact?: { readonly email?: string };
  readonly items?: ReadonlyArray<{ readonly id?: string; readonly customerId?: string; readonly status?: string; readonly kind?: string }>;
  readonly cycles?: ReadonlyArray<{ readonly status: string; readonly amount: number }>;
}

/** The state the walkthrough leaves its shop in, read through the API. */
async function checkOutcome(shop: string): Promise<string[]> {
  const problems: string[] = [];
  const call = async (path: string, init: { token?: string; body?: unknown } = {}) => {
    const response = await fetch(`${base}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json', ...(init.token ? { authorization: `Bearer ${init.token}` } : {}) },
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    return (await response.json()) as Answer;
  };
  const admin = (await call('/_local/token', { body: { role: 'admin', shop, sub: 'walkthrough-check' } })).token ?? '';
  const service = await call('/admin/service', { token: admin });
  if (service.status !== 'REVIEWING' || service.cardPg !== 'inicis') problems.push(`service ${service.status}/${service.cardPg}; expected REVIEWING/inicis (applied again after the stop)`);
  const list = (await call('/admin/subscriptions', { token: admin })).items ?? [];
  const byCustomer = new Map(list.map((item) => [item.customerId, item.id]));
  const detail = async (customer: string) => call(`/admin/subscriptions/${byCustomer.get(customer)}`, { token: admin });
  const minji = await detail('minji');
  const jiho = await detail('jiho');
  const items = (subscription: Answer) => (subscription.items ?? []).map((item) => item.status).join(',');
  if (minji.status !== 'CANCELLED' || minji.cancelReason !== 'CUSTOMER_REQUEST') problems.push(`minji: ${minji.status} ${minji.cancelReason}; expected CANCELLED by the buyer`);
  if (jiho.status !== 'CANCELLED' || jiho.cancelReason !== 'SERVICE_STOPPED' || items(jiho) !== 'CANCELLED,CANCELLED') {
    problems.push(`jiho: ${jiho.status} ${jiho.cancelReason} items ${items(jiho)}; expected CANCELLED by the stop, every item too`);
  }
  const cycles = (jiho.cycles ?? []).map((cycle) => `${cycle.status} ${cycle.amount}`).join(', ');
  if (cycles !== 'CHARGED 61000, CHARGED 25000') problems.push(`jiho's cycles: ${cycles}; expected CHARGED 61000, CHARGED 25000`);
  const email = jiho.contact?.email;
  const kinds = email ? ((await call(`/_local/outbox?to=${encodeURIComponent(email)}`)).items ?? []).map((item) => item.kind).join(',') : '';
  if (kinds !== 'payment-notice,payment-notice,auto-cancel') problems.push(`jiho's mails: ${kinds}; expected two payment notices and the auto-cancel mail`);
  return problems;
}

async function freePort(): Promise<number> {
  for (;;) {
    const candidate = 20_000 + Math.floor(Math.random() * (Math.min(MAX_BASE_PORT, 60_000) - 20_000));
    if (!(await firstBusyPort(candidate, '127.0.0.1'))) return candidate;
  }
}

console.log(`README walkthroughs: ${blocks.length} blocks, ${statuses.length} announced statuses; npm start on PORT=${port}, data in ${dataDir}`);
let failed = false;
let system = await npmStart(join(work, 'npm-start-1.log'));
try {
  for (let run = 1; run <= runs; run += 1) {
    if (run === runs && runs > 1) {
      // The last run after a restart on the same data: the system continues where it stood.
      await system.stop();
      system = await npmStart(join(work, `npm-start-${run}.log`));
      console.log('  (npm start restarted on the same data)');
    }
    const { code, output, ms } = await runScript();
    writeFileSync(join(work, `run-${run}.log`), output);
    const problems = code === 0 ? await check(output) : [`bash exited with ${code}; the last lines:\n${output.split('\n').slice(-15).join('\n')}`];
    console.log(`  run ${run}: ${problems.length === 0 ? 'ok' : 'FAILED'} in ${(ms / 1000).toFixed(1)} s`);
    for (const problem of problems) console.log(`    - ${problem}`);
    if (problems.length > 0) failed = true;
  }
} finally {
  await system.stop();
  if (values.keep || failed) console.log(`Logs and data kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);

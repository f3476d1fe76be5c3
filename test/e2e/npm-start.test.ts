/**
 * `npm start` as a user runs it: it prints its URLs within seconds, answers
 * /health, keeps its data on disk across a restart (tokens and the clock too),
 * and keeps nothing with LOCAL_DATA=memory (the clock starts at the real time).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/handlers.ts';
import { PortTaken, withFreePorts } from '../support/ports.ts';

const children: ChildProcess[] = [];
const dataDir = mkdtempSync(join(tmpdir(), 'subscriptions-data-'));
/** tsx runs node as a child: kill the whole process group, or the server outlives the test. */
const killGroup = (child: ChildProcess) => {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
afterAll(() => {
  for (const child of children) killGroup(child);
  rmSync(dataDir, { recursive: true, force: true });
});

/** PORT and the six ports after it: the API and the embedded services. */
const PORTS_TAKEN = 7;

interface Started {
  readonly child: ChildProcess;
  readonly banner: string;
  readonly port: number;
  /** GET/POST on this instance, JSON in and out. */
  json(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: any }>;
  stop(): Promise<void>;
}

/** Starts `tsx local/start.ts` (what `npm start` runs) on a free block of ports and resolves when the banner is out. */
const start = (env: Record<string, string>) => withFreePorts(PORTS_TAKEN, (port) => startOn(port, env));

async function startOn(port: number, env: Record<string, string>): Promise<Started> {
  env = { ...env, PORT: String(port) };
  const child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['local/start.ts'], { cwd: REPO_ROOT, detached: true, env: { ...process.env, LOG_LEVEL: 'ERROR', ...env } });
  children.push(child);
  let output = '';
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C')) resolve(output);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(/EADDRINUSE|already in use/i.test(output) ? new PortTaken(output) : new Error(`npm start exited with ${code}: ${output}`)));
  });
  const base = `http://localhost:${port}`;
  return {
    child,
    banner,
    port,
    json: async (method, path, body, token) => {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json()) as any };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

// Each start is its own test (a start costs seconds: tsx loads the whole local system); the tests of a
// describe run in order, the second continuing from what the first left on disk or in memory.
describe('npm start with LOCAL_DATA on disk', () => {
  const platformShop = { shopId: 'kept-shop', name: 'Kept', operatorEmail: 'k@kept.example', productManagement: 'new' };
  let platform: string;
  let movedTo: Date;

  it('prints its URLs, answers /health, and stores what it is given', async () => {
    const first = await start({ LOCAL_DATA: dataDir });
    expect(first.banner).toContain(`http://localhost:${first.port}/health`);
    expect(first.banner).toMatch(/Mail inbox\s+http:\/\/localhost:\d+/);
    expect(first.banner).toContain('/_local/outbox');
    expect((await first.json('GET', '/health')).status).toBe(200);

    platform = (await first.json('POST', '/_local/token', { role: 'platform', shop: 'platform', sub: 'ops' })).body.token as string;
    expect((await first.json('POST', '/platform/shops', platformShop, platform)).status).toBe(201);
    // The clock, moved an hour on (one run at most in between), is kept with the data.
    movedTo = new Date(Date.now() + 3_600_000);
    expect((await first.json('POST', '/_local/clock', { now: movedTo.toISOString() })).status).toBe(200);
    await first.stop();
  });

  it('after a restart on the same data: the clock, the token secret and the shop are kept', async () => {
    expect(platform, 'the first start ran').toBeDefined();
    const second = await start({ LOCAL_DATA: dataDir });
    // A restarted system continues where its clock stood: not at the real time, and not back.
    const clock = new Date((await second.json('GET', '/_local/clock')).body.now as string).getTime();
    expect(clock).toBeGreaterThanOrEqual(movedTo.getTime() - 1_000);
    expect(clock).toBeLessThan(movedTo.getTime() + 30_000);
    // The same token still works (the secret is kept with the data), and the shop is still there.
    const admin = (await second.json('POST', '/_local/token', { role: 'admin', shop: 'kept-shop', sub: 'm' })).body.token as string;
    expect((await second.json('GET', '/admin/service', undefined, admin)).body.status).toBe('NOT_APPLIED');
    expect((await second.json('POST', '/platform/shops', platformShop, platform)).status).toBe(409);
    await second.stop();
  });
});

describe('npm start with LOCAL_DATA=memory', () => {
  const goneShop = { shopId: 'gone', name: 'Gone', operatorEmail: 'g@gone.example', productManagement: 'new' };
  let stopped = false;

  it('says it keeps nothing, and works while it runs', async () => {
    const memory = await start({ LOCAL_DATA: 'memory' });
    expect(memory.banner).toContain('in memory');
    const token = (await memory.json('POST', '/_local/token', { role: 'platform', shop: 'platform', sub: 'ops' })).body.token as string;
    expect((await memory.json('POST', '/platform/shops', goneShop, token)).status).toBe(201);
    expect((await memory.json('POST', '/platform/shops', goneShop, token)).status).toBe(409);
    await memory.json('POST', '/_local/clock', { now: new Date(Date.now() + 3_600_000).toISOString() });
    await memory.stop();
    stopped = true;
  });

  it('after a restart nothing is left: the clock starts at the real time, the shop can be created again', async () => {
    expect(stopped, 'the first start ran').toBe(true);
    const again = await start({ LOCAL_DATA: 'memory' });
    const clock = (await again.json('GET', '/_local/clock')).body.now as string;
    expect(Math.abs(new Date(clock).getTime() - Date.now())).toBeLessThan(30_000);
    const token = (await again.json('POST', '/_local/token', { role: 'platform', shop: 'platform', sub: 'ops' })).body.token as string;
    expect((await again.json('POST', '/platform/shops', goneShop, token)).status).toBe(201);
    await again.stop();
  });
});

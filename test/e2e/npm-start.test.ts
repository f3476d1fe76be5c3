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

/** Starts `tsx local/start.ts` (what `npm start` runs) and resolves when the banner is out. */
async function start(env: Record<string, string>): Promise<{ child: ChildProcess; banner: string; elapsedMs: number; stop(): Promise<void> }> {
  const began = Date.now();
  const child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['local/start.ts'], { cwd: REPO_ROOT, detached: true, env: { ...process.env, LOG_LEVEL: 'ERROR', ...env } });
  children.push(child);
  let output = '';
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Press Ctrl+C')) resolve(output);
    });
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
  });
  return {
    child,
    banner,
    elapsedMs: Date.now() - began,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

const port = 20_000 + Math.floor(Math.random() * 30_000);
const base = `http://localhost:${port}`;
const json = async (method: string, path: string, body?: unknown, token?: string) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as any };
};

describe('npm start', () => {
  it('prints its URLs and answers /health; data on disk survives a restart', async () => {
    const first = await start({ PORT: String(port), LOCAL_DATA: dataDir });
    expect(first.banner).toContain(`${base}/health`);
    expect(first.banner).toMatch(/Mail inbox\s+http:\/\/localhost:\d+/);
    expect(first.banner).toContain('/_local/outbox');
    expect((await json('GET', '/health')).status).toBe(200);

    const platform = (await json('POST', '/_local/token', { role: 'platform', shop: 'platform', sub: 'ops' })).body.token as string;
    expect((await json('POST', '/platform/shops', { shopId: 'kept-shop', name: 'Kept', operatorEmail: 'k@kept.example', productManagement: 'new' }, platform)).status).toBe(201);
    // The clock, moved an hour on (one run at most in between), is kept with the data.
    const movedTo = new Date(Date.now() + 3_600_000);
    expect((await json('POST', '/_local/clock', { now: movedTo.toISOString() })).status).toBe(200);
    await first.stop();

    await start({ PORT: String(port), LOCAL_DATA: dataDir });
    // A restarted system continues where it stood: not at the real time, and not back.
    const clock = new Date((await json('GET', '/_local/clock')).body.now as string).getTime();
    expect(clock).toBeGreaterThanOrEqual(movedTo.getTime() - 1_000);
    expect(clock).toBeLessThan(movedTo.getTime() + 30_000);
    // The same token still works (the secret is kept with the data), and the shop is still there.
    const admin = (await json('POST', '/_local/token', { role: 'admin', shop: 'kept-shop', sub: 'm' })).body.token as string;
    expect((await json('GET', '/admin/service', undefined, admin)).body.status).toBe('NOT_APPLIED');
    expect((await json('POST', '/platform/shops', { shopId: 'kept-shop', name: 'Kept', operatorEmail: 'k@kept.example', productManagement: 'new' }, platform)).status).toBe(409);
  });

  it('keeps nothing with LOCAL_DATA=memory', async () => {
    for (const child of children) killGroup(child);
    const memoryPort = port + 10;
    const memory = await start({ PORT: String(memoryPort), LOCAL_DATA: 'memory' });
    expect(memory.banner).toContain('in memory');
    const call = (path: string, body: unknown, token?: string) =>
      fetch(`http://localhost:${memoryPort}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });
    const token = ((await (await call('/_local/token', { role: 'platform', shop: 'platform', sub: 'ops' })).json()) as { token: string }).token;
    expect((await call('/platform/shops', { shopId: 'gone', name: 'Gone', operatorEmail: 'g@gone.example', productManagement: 'new' }, token)).status).toBe(201);
    await call('/_local/clock', { now: new Date(Date.now() + 3_600_000).toISOString() });
    await memory.stop();
    const again = await start({ PORT: String(memoryPort), LOCAL_DATA: 'memory' });
    // In memory the clock starts at the real time again.
    const clock = ((await (await fetch(`http://localhost:${memoryPort}/_local/clock`)).json()) as { now: string }).now;
    expect(Math.abs(new Date(clock).getTime() - Date.now())).toBeLessThan(30_000);
    const token2 = ((await (await call('/_local/token', { role: 'platform', shop: 'platform', sub: 'ops' })).json()) as { token: string }).token;
    expect((await call('/platform/shops', { shopId: 'gone', name: 'Gone', operatorEmail: 'g@gone.example', productManagement: 'new' }, token2)).status).toBe(201);
    await again.stop();
  });
});

/**
 * A port already in use: `npm start` says in one line which service wanted
 * which port and how to choose others (PORT=…), and exits — no stack trace,
 * nothing left half-started.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/handlers.ts';
import { assertPortsFree, isPortFree, LOCAL_PORTS, PortInUse, portInUseFrom } from '../../local/ports.ts';
import { freePortBlock } from '../support/ports.ts';

const held: Server[] = [];
afterAll(async () => {
  await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Holds one port of a block the OS reports free: `npm start` on the block then collides at that port only. */
async function hold(offset: number): Promise<number> {
  const base = await freePortBlock(LOCAL_PORTS.length);
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(base + offset, '127.0.0.1', resolve));
  held.push(server);
  return base;
}

/** Runs what `npm start` runs and collects everything it prints until it exits. */
function start(port: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['local/start.ts'], { cwd: REPO_ROOT, env: { ...process.env, PORT: String(port), LOCAL_DATA: 'memory' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A start that did not fail would run until stopped: stop it, and the assertions below say so.
    const timer = setTimeout(() => child.kill('SIGTERM'), 15_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('a port already in use', () => {
  it('npm start prints one line naming the embedded DynamoDB at PORT+1 and a free PORT to use instead, and exits 1', async () => {
    const base = await hold(1);
    const { code, stdout, stderr } = await start(base);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^Port ${base + 1} is already in use: the embedded DynamoDB wanted it \\(PORT\\+1\\)\\. .*PORT=\\d+ npm start`));
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('names the API at PORT itself, and suggests a PORT whose whole block is free', async () => {
    const base = await hold(0);
    const error = await assertPortsFree(base, '127.0.0.1').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PortInUse);
    expect((error as PortInUse).message).toMatch(new RegExp(`^Port ${base} is already in use: the API \\(and the sandbox PG\\) wanted it \\(PORT\\)`));
    const suggestion = (error as PortInUse).suggestion!;
    for (const { offset } of LOCAL_PORTS) expect(await isPortFree(suggestion + offset, '127.0.0.1')).toBe(true);
  });

  it('reads the same for a port lost between the check and the bind: Node’s EADDRINUSE names the port', () => {
    expect(portInUseFrom(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE', port: 3005 }), 3000)?.message).toMatch(/^Port 3005 is already in use: the local SQS endpoint wanted it \(PORT\+5\)/);
    expect(portInUseFrom(new Error('something else'), 3000)).toBeNull();
  });
});

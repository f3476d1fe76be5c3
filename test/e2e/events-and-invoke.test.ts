/**
 * Every function has a realistic sample event under events/, and each runs
 * against the local system: in-process, and through `npm run invoke` in a
 * separate process, as a developer would.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionNames, FUNCTIONS } from '../../system/functions.ts';
import { docs } from '../../functions/api/docs.ts';
import { loadEvent, sampleEventPath } from '../../local/events.ts';
import { REPO_ROOT } from '../../local/handlers.ts';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';

let t: TestSystem;
beforeAll(async () => {
  t = await bootLocalSystem();
});
afterAll(() => t?.stop());

describe('sample events', () => {
  it.each(functionNames)('%s has one that fits its trigger, and its handler accepts it', async (name) => {
    expect(existsSync(join(REPO_ROOT, sampleEventPath(name)))).toBe(true);
    const result = (await t.system.invoke(name, loadEvent(name))) as { statusCode?: number; body?: string; date?: string };
    if (FUNCTIONS[name].kind === 'http') {
      // Well formed and authorized: a success, or one of the operation's documented business refusals
      // (the samples run in one order against one system, e.g. a review before any application).
      const documented = docs[name as keyof typeof docs].errors.map((error) => error.code);
      if (result.statusCode! >= 300) expect(documented).toContain(JSON.parse(result.body!).error.code);
    } else if (FUNCTIONS[name].kind === 'queue') {
      // A worker answers SQS which messages to retry; the sample's keys are not in the table, so there is nothing to fail.
      expect(result).toEqual({ batchItemFailures: [] });
    } else {
      // The dispatcher works on the Seoul date of its scheduled time (23:00Z is 08:00 the next day in Seoul).
      expect(result.date).toBe('2026-11-28');
    }
  });

  it('are refused for a function of another trigger', () => {
    expect(() => loadEvent('getService', sampleEventPath('noticeRun'))).toThrow(/API Gateway v2 event/);
    expect(() => loadEvent('noticeRun', sampleEventPath('getService'))).toThrow(/scheduled-run event/);
    expect(() => loadEvent('noticeWorker', sampleEventPath('noticeRun'))).toThrow(/SQS event/);
  });
});

describe('npm run invoke', () => {
  const tsx = join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
  const run = (args: string[]) =>
    promisify(execFile)(tsx, [join(REPO_ROOT, 'local', 'invoke.ts'), ...args], { cwd: REPO_ROOT, env: { ...process.env, LOCAL_URL: t.system.url, LOG_LEVEL: 'ERROR' } });

  it('runs a handler with its sample event against the running local system', async () => {
    const { stdout } = await run(['get-service', 'events/get-service.json']);
    const response = JSON.parse(stdout) as { statusCode: number; body: string };
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body).status).toBe('NOT_APPLIED');
  });

  it('writes to the same table the local server reads', async () => {
    await run(['createShop', 'events/create-shop.json']);
    const admin = await t.token('admin', 'seoul-tea-house');
    expect((await t.call('GET', '/admin/service', { token: admin })).status).toBe(200);
  });

  it('explains its usage for an unknown function', async () => {
    await expect(run(['nope'])).rejects.toMatchObject({ stderr: expect.stringContaining('Usage: npm run invoke') });
  });
});

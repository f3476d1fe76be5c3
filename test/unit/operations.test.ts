/**
 * Issue 11, "operations that page someone": the metrics the worker handlers
 * record from their use cases' reports, the readable local log line, and
 * settings that fail at once with one line naming them (also through a real
 * `npm start`).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chargeMeasures, metrics, noticeMeasures, record, stopMeasures } from '../../functions/core/metrics.ts';
import { ReadableLogger } from '../../functions/core/logger.ts';
import { METRICS } from '../../system/metrics.ts';
import { readLocalSettings, SettingError } from '../../system/settings.ts';
import { REPO_ROOT } from '../../local/handlers.ts';

afterEach(() => {
  vi.restoreAllMocks();
  metrics.clearMetrics();
});

describe('metrics (Powertools, EMF)', () => {
  it('counts charges by outcome, retries and reviews from the charge reports', () => {
    const measures = chargeMeasures(['charged', 'charged', 'retry-scheduled', 'review', 'failed']);
    expect(measures).toContainEqual({ name: METRICS.charges, value: 2, dimension: { name: 'outcome', value: 'charged' } });
    expect(measures).toContainEqual({ name: METRICS.charges, value: 1, dimension: { name: 'outcome', value: 'failed' } });
    expect(measures).toContainEqual({ name: METRICS.chargeRetries, value: 1 });
    expect(measures).toContainEqual({ name: METRICS.chargeReviews, value: 1 });
  });

  it('counts notices by channel and SMS parts, and stop progress from a step', () => {
    const measures = noticeMeasures([{ status: 'noticed', mail: 'sent', sms: 'sent' }, { status: 'noticed', mail: 'sent', sms: 'no-credit' }, { status: 'skipped' }]);
    expect(measures).toEqual([
      { name: METRICS.noticesSent, value: 2, dimension: { name: 'channel', value: 'mail' } },
      { name: METRICS.noticesSent, value: 1, dimension: { name: 'channel', value: 'sms' } },
      { name: METRICS.smsParts, value: 1 },
    ]);
    expect(stopMeasures({ cancelled: 3, keysDeleted: 2, mailsSent: 0, mailsNotSent: 1 }).map((m) => [m.name, m.value])).toEqual([
      [METRICS.stopSubscriptionsCancelled, 3],
      [METRICS.stopBillingKeysDeleted, 2],
      [METRICS.stopMailsSent, 0],
      [METRICS.stopMailsNotSent, 1],
    ]);
  });

  it('stores plain counts for the invocation’s flush and writes a dimensioned one as its own EMF record', () => {
    const single = { addDimension: vi.fn(), addMetric: vi.fn() };
    vi.spyOn(metrics, 'singleMetric').mockReturnValue(single as never);
    record([{ name: METRICS.chargeRetries, value: 2 }, { name: METRICS.charges, value: 1, dimension: { name: 'outcome', value: 'charged' } }, { name: METRICS.chargeReviews, value: 0 }]);
    const emf = metrics.serializeMetrics() as unknown as { _aws: { CloudWatchMetrics: Array<{ Namespace: string; Metrics: Array<{ Name: string }> }> }; ChargeRetries: number };
    expect(emf._aws.CloudWatchMetrics[0]!.Namespace).toBe('Subscriptions');
    expect(emf._aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name)).toEqual([METRICS.chargeRetries]);
    expect(emf.ChargeRetries).toBe(2);
    expect(single.addDimension).toHaveBeenCalledWith('outcome', 'charged');
    expect(single.addMetric).toHaveBeenCalledWith(METRICS.charges, 'Count', 1);
  });
});

it('the local logger prints one readable line per entry', () => {
  const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  new ReadableLogger({ serviceName: 'test', logLevel: 'INFO' }).info('Card registered', { provider: 'sandbox', last4: '0001' });
  const line = String(write.mock.calls[0]?.[0]);
  expect(line).toMatch(/^\d\d:\d\d:\d\d INFO +Card registered {2}provider=sandbox {2}last4=0001\n$/);
});

describe('settings fail at once with one line naming the setting and what it accepts', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT', 'a port number'],
    [{ PORT: '70000' }, 'PORT', 'a port number'],
    [{ CHARGE_RUN_TIMES: '25:00' }, 'CHARGE_RUN_TIMES', 'HH:mm'],
    [{ NOTICE_RUN_TIMES: '08:00,08:00' }, 'NOTICE_RUN_TIMES', 'each once'],
    [{ CHARGE_RETRY_DAYS: '30' }, 'CHARGE_RETRY_DAYS', '0 to 14'],
    [{ LOG_LEVEL: 'LOUD' }, 'LOG_LEVEL', 'DEBUG, INFO'],
    [{ LOG_FORMAT: 'xml' }, 'LOG_FORMAT', '"json" or "text"'],
    [{ MAIL_FROM: 'nobody' }, 'MAIL_FROM', 'an email address'],
  ])('%j', (env, setting, accepted) => {
    const error = (() => {
      try {
        readLocalSettings(env);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(SettingError);
    expect((error as Error).message).toContain(`Setting ${setting}:`);
    expect((error as Error).message).toContain(accepted);
    expect((error as Error).message).not.toContain('\n');
  });

  it('defaults when nothing is set', () => {
    expect(readLocalSettings({})).toMatchObject({ port: 3000, data: '.local', runTimes: { noticeRunTimes: ['08:00'], chargeRunTimes: ['10:00', '17:00'], maintenanceRunTimes: ['04:00'] }, chargeRetryDays: 3, logLevel: 'INFO', logFormat: 'text' });
  });

  it('npm start with a bad setting exits 1 with that one line, and no stack trace', () => {
    const result = spawnSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), ['local/start.ts'], { cwd: REPO_ROOT, env: { ...process.env, CHARGE_RUN_TIMES: '10:00,7pm' }, encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('Setting CHARGE_RUN_TIMES: "10:00,7pm" is not accepted; use one or more HH:mm times (00:00–23:59, Asia/Seoul), comma-separated, e.g. "10:00,17:00".');
    expect(result.stdout).toBe('');
  });
});

/**
 * The `/_local/*` endpoints and the embedded services: the handlers' SDK
 * clients reach local SES and SNS through AWS_ENDPOINT_URL_*, what they send
 * shows in the outbox, and moving the clock fires the shared schedules in order.
 */
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootLocalSystem, type TestSystem } from '../support/local-system.ts';

let t: TestSystem;

beforeAll(async () => {
  t = await bootLocalSystem();
});
afterAll(() => t?.stop());

describe('POST /_local/token', () => {
  it('mints a token whose claims reach the handler', async () => {
    const token = await t.token('admin', 'demo-shop', 'merchant-7');
    const [, payload] = token.split('.');
    expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())).toMatchObject({ sub: 'merchant-7', shop: 'demo-shop', role: 'admin' });
    expect((await t.call('GET', '/admin/service', { token })).status).toBe(200);
  });

  it('refuses an unknown role with VALIDATION_FAILED', async () => {
    const response = await t.call('POST', '/_local/token', { body: { role: 'root', shop: 'demo-shop', sub: 'x' } });
    expect(response.status).toBe(400);
    expect(response.body.error.details[0].path).toBe('role');
  });
});

describe('the outbox', () => {
  it("captures mail sent with @aws-sdk/client-ses and SMS sent with @aws-sdk/client-sns, as handlers send them", async () => {
    // The handlers' environment: the SDK finds the local endpoints on its own.
    const ses = new SESClient({});
    const sns = new SNSClient({});
    await ses.send(
      new SendEmailCommand({
        Source: 'no-reply@subscriptions.local',
        Destination: { ToAddresses: ['buyer@example.com'] },
        Message: { Subject: { Data: '[Demo] 정기결제 예정 안내' }, Body: { Text: { Data: '결제 예정 금액: 25,000원' } } },
        Tags: [{ Name: 'kind', Value: 'payment-notice' }],
      }),
    );
    await sns.send(
      new PublishCommand({
        PhoneNumber: '+821012345678',
        Message: '[Demo] 11/29 정기결제 25,000원 예정',
        MessageAttributes: { kind: { DataType: 'String', StringValue: 'payment-notice' } },
      }),
    );
    ses.destroy();
    sns.destroy();

    const mail = await t.call('GET', '/_local/outbox?to=buyer@example.com');
    expect(mail.body.items).toEqual([
      expect.objectContaining({ channel: 'mail', to: 'buyer@example.com', subject: '[Demo] 정기결제 예정 안내', body: '결제 예정 금액: 25,000원', kind: 'payment-notice' }),
    ]);
    const sms = await t.call('GET', `/_local/outbox?to=${encodeURIComponent('+821012345678')}`);
    expect(sms.body.items).toEqual([expect.objectContaining({ channel: 'sms', body: '[Demo] 11/29 정기결제 25,000원 예정', kind: 'payment-notice' })]);

    // The mail also reached aws-ses-v2-local, whose web inbox shows it.
    const store = (await (await fetch(`${t.system.inboxUrl}/store`)).json()) as { emails: Array<{ subject: string }> };
    expect(store.emails.map((email) => email.subject)).toContain('[Demo] 정기결제 예정 안내');
  });
});

describe('the clock and the scheduler', () => {
  it('moves forward and fires every run in between at its own Asia/Seoul time, in order', async () => {
    const start = new Date((await t.call('GET', '/_local/clock')).body.now);
    // Two whole days ahead, then to 09:00 Seoul: each day has a maintenance run, one notice run and two charge runs.
    const day = new Date(start.getTime() + 3 * 86_400_000).toISOString().slice(0, 10);
    const target = `${day}T09:00:00+09:00`;
    const response = await t.call('POST', '/_local/clock', { body: { now: target } });
    expect(response.status).toBe(200);
    expect(new Date(response.body.now).getTime()).toBe(new Date(target).getTime());

    const runs = response.body.runs as Array<{ functionName: string; scheduledTime: string; ok: boolean; result: { date: string } }>;
    const times = runs.map((run) => new Date(run.scheduledTime).getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.every((time) => time > start.getTime() && time <= new Date(target).getTime())).toBe(true);
    expect(runs.every((run) => run.ok)).toBe(true);
    // The last run is the notice run of the target day at 08:00 Seoul, working on that Seoul date.
    expect(runs.at(-1)).toMatchObject({ functionName: 'noticeRun', scheduledTime: `${day}T08:00:00+09:00`, result: { date: day } });
    for (const run of runs) {
      const clock = run.scheduledTime.slice(11, 16);
      expect(run.functionName === 'noticeRun' ? ['08:00'] : run.functionName === 'maintenanceRun' ? ['04:00'] : ['10:00', '17:00']).toContain(clock);
    }
    expect(runs.filter((run) => run.functionName === 'noticeRun').length).toBeGreaterThanOrEqual(2);
  });

  it('refuses to move back (422) and does not fire anything again', async () => {
    const before = t.system.scheduler.history.length;
    const response = await t.call('POST', '/_local/clock', { body: { now: '2020-01-01T00:00:00+09:00' } });
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('CLOCK_MOVE_REFUSED');
    expect(t.system.scheduler.history.length).toBe(before);
  });

  it('refuses a timestamp without an offset (VALIDATION_FAILED)', async () => {
    const response = await t.call('POST', '/_local/clock', { body: { now: 'tomorrow' } });
    expect(response.status).toBe(400);
  });

  it('moves forward by days and hours from where it stands (re-runnable walkthroughs), but not both ways at once', async () => {
    const from = new Date((await t.call('GET', '/_local/clock')).body.now).getTime();
    const response = await t.call('POST', '/_local/clock', { body: { days: 1, hours: 2 } });
    expect(response.status).toBe(200);
    const moved = new Date(response.body.now).getTime() - from;
    expect(moved).toBeGreaterThanOrEqual(26 * 3_600_000);
    expect(moved).toBeLessThan(26 * 3_600_000 + 5_000);
    expect(response.body.runs.length).toBeGreaterThanOrEqual(1);
    expect((await t.call('POST', '/_local/clock', { body: { now: response.body.now, days: 1 } })).status).toBe(400);
    expect((await t.call('POST', '/_local/clock', { body: {} })).status).toBe(400);
    expect((await t.call('POST', '/_local/clock', { body: { days: -1 } })).status).toBe(400);
  });

  it('answers JSON ending with a newline, as the API does', async () => {
    for (const path of ['/_local/clock', '/_local/nothing-here', '/health']) expect(await (await fetch(`${t.system.url}${path}`)).text()).toMatch(/\}\n$/);
  });

  it('makes handlers see the simulated time', async () => {
    const clock = (await t.call('GET', '/_local/clock')).body.now as string;
    const health = await t.call('GET', '/health');
    expect(Math.abs(new Date(health.body.time).getTime() - new Date(clock).getTime())).toBeLessThan(5_000);
  });
});

describe('POST /_local/sandbox-pg/authorize', () => {
  it('answers an authKey for each test card and, after its ready, for KakaoPay', async () => {
    for (const cardNumber of ['9410-0000-0000-0001', '9410000000000002', '9410-0000-0000-0003', '4242-4242-4242-4242']) {
      const response = await t.call('POST', '/_local/sandbox-pg/authorize', { body: { subscriptionId: 'sub-1', cardNumber } });
      expect(response.status).toBe(200);
      expect(response.body.authKey).toMatch(/^sbx_auth_[0-9a-f]{24}$/);
    }
    // KakaoPay's window belongs to a ready (a KakaoPay signup makes it): none yet, none opened.
    expect((await t.call('POST', '/_local/sandbox-pg/authorize', { body: { subscriptionId: 'sub-1', kakaoPayMethod: 'money' } })).body.error.code).toBe('NO_READY');
    t.system.sandboxPg.ready({ subscriptionId: 'sub-1', customerKey: 'ck-sub-1', itemName: 'Beans' });
    const kakao = await t.call('POST', '/_local/sandbox-pg/authorize', { body: { subscriptionId: 'sub-1', kakaoPayMethod: 'money' } });
    expect(kakao.body.authKey).toMatch(/^sbx_auth_/);
  });

  it('keeps card facts, never the card number', async () => {
    const { body } = await t.call('POST', '/_local/sandbox-pg/authorize', { body: { subscriptionId: 'sub-2', cardNumber: '4242-4242-4242-4242' } });
    const authorization = t.system.sandboxPg.authorization(body.authKey);
    expect(authorization).toMatchObject({ last4: '4242', domestic: false, issuer: 'Visa' });
    expect(JSON.stringify(authorization)).not.toContain('42424242');
  });

  it('refuses a card that is not a test card (422) and a malformed body (400)', async () => {
    const unknown = await t.call('POST', '/_local/sandbox-pg/authorize', { body: { subscriptionId: 'sub-1', cardNumber: '1111-2222-3333-4444' } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.code).toBe('UNKNOWN_TEST_CARD');
    const malformed = await t.call('POST', '/_local/sandbox-pg/authorize', { body: { subscriptionId: 'sub-1', cardNumber: '12' } });
    expect(malformed.status).toBe(400);
  });
});

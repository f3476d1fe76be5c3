import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { SCHEDULE_DEFAULTS } from '../../system/functions.ts';
import { CONTEXT_DEFAULTS, ConfigError, readConfig } from '../../lib/app-config.ts';
import { TEST_OUTDIR } from './cdk-app.ts';
import cdkJson from '../../cdk.json' with { type: 'json' };

const read = (context: Record<string, unknown>) => readConfig(new App({ outdir: TEST_OUTDIR, context: { ...cdkJson.context, stage: 'dev', ...context } }).node);

describe('readConfig', () => {
  it("reads cdk.json's dev settings, with run times from SCHEDULE_DEFAULTS and default throttling", () => {
    const config = readConfig(new App({ outdir: TEST_OUTDIR, context: { ...cdkJson.context, stage: 'dev', apiRateLimit: undefined, apiBurstLimit: undefined } }).node);

    expect(config).toEqual({
      stage: 'dev',
      jwtIssuer: cdkJson.context.jwtIssuer,
      jwtAudience: cdkJson.context.jwtAudience,
      corsOrigins: [],
      mailFrom: cdkJson.context.mailFrom,
      runTimes: SCHEDULE_DEFAULTS,
      chargeRetryDays: 3,
      apiRateLimit: CONTEXT_DEFAULTS.apiRateLimit,
      apiBurstLimit: CONTEXT_DEFAULTS.apiBurstLimit,
      publicRateLimit: CONTEXT_DEFAULTS.publicRateLimit,
      publicBurstLimit: CONTEXT_DEFAULTS.publicBurstLimit,
    });
  });

  it('accepts lists and numbers given as -c strings on the command line', () => {
    const config = read({
      jwtAudience: 'web,console',
      corsOrigins: '["https://a.shop.test"]',
      chargeRunTimes: '09:00, 16:30',
      apiRateLimit: '12.5',
      apiBurstLimit: '30',
    });

    expect(config.jwtAudience).toEqual(['web', 'console']);
    expect(config.corsOrigins).toEqual(['https://a.shop.test']);
    expect(config.runTimes.chargeRunTimes).toEqual(['09:00', '16:30']);
    expect(config.apiRateLimit).toBe(12.5);
    expect(config.apiBurstLimit).toBe(30);
  });

  it.each([
    [{ stage: undefined }, /"stage": is required/],
    [{ stage: 'Prod' }, /"stage"/],
    [{ jwtIssuer: 'http://auth.example.com/' }, /"jwtIssuer": .* https:\/\/ URL/],
    [{ jwtAudience: [] }, /"jwtAudience": at least one/],
    [{ corsOrigins: ['https://shop.test/app'] }, /"corsOrigins": "https:\/\/shop.test\/app" is not an origin/],
    [{ mailFrom: 'no-reply' }, /"mailFrom": "no-reply" is not an email address/],
    [{ noticeRunTimes: ['8:00'] }, /"noticeRunTimes": Run time "8:00" is not HH:mm/],
    [{ chargeRunTimes: ['10:00', '10:00'] }, /"chargeRunTimes": contains a duplicate/],
    [{ chargeRunTimes: [] }, /"chargeRunTimes": at least one/],
    [{ apiBurstLimit: 1.5 }, /"apiBurstLimit": 1.5 must be a positive integer/],
    [{ apiRateLimit: 0 }, /"apiRateLimit"/],
    // Deploy footguns (issue 11): no default stage, no localhost CORS and no silent alarms outside dev.
    [{ stage: undefined }, /"stage": is required \(pass -c stage=<name>; only "dev" is disposable/],
    [{ stage: 'prod', alarmEmail: 'ops@shop.test', corsOrigins: ['http://localhost:5173'] }, /"corsOrigins": "http:\/\/localhost:5173" is allowed on the dev stage only/],
    [{ stage: 'prod', alarmEmail: 'ops@shop.test', corsOrigins: ['*'] }, /"corsOrigins": "\*" is allowed on the dev stage only/],
    [{ stage: 'prod' }, /"alarmEmail": is required for stage "prod"/],
    [{ alarmEmail: 'ops' }, /"alarmEmail"/],
    [{ publicRateLimit: 500 }, /"publicRateLimit"/],
    [{ chargeRetryDays: 'x' }, /"chargeRetryDays"/],
  ])('rejects %j naming the setting', (context, message) => {
    expect(() => read(context)).toThrow(ConfigError);
    expect(() => read(context)).toThrow(message);
  });
});

import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { SCHEDULED_RUN_INPUT, SCHEDULE_DEFAULTS, SCHEDULE_TIME_ZONE, httpFunctions, scheduledFunctions } from '../../system/functions.ts';
import { RUN_RETRY_POLICY } from '../../lib/constructs/run-schedules.ts';
import { TEST_CONTEXT, actionsOf, sharedTestApp, logicalId, statementsOfRole } from './cdk-app.ts';

const dlqArn = { 'Fn::ImportValue': Match.stringLikeRegexp('^Subscriptions-dev-Stateful:.*DeadLetterQueue') };

describe('schedules', () => {
  const { service, serviceTemplate: template } = sharedTestApp();

  it('creates one schedule per scheduled function and configured time, in Asia/Seoul', () => {
    const expected = scheduledFunctions().flatMap(([name, fn]) =>
      TEST_CONTEXT[fn.timesSetting].map((time) => {
        const [hour, minute] = time.split(':').map(Number);
        return { name, expression: `cron(${minute} ${hour} * * ? *)` };
      }),
    );

    template.resourceCountIs('AWS::Scheduler::Schedule', expected.length);
    for (const { name, expression } of expected) {
      template.hasResourceProperties('AWS::Scheduler::Schedule', {
        GroupName: 'subscriptions-dev',
        ScheduleExpression: expression,
        ScheduleExpressionTimezone: SCHEDULE_TIME_ZONE,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
        Target: {
          Arn: { 'Fn::GetAtt': [logicalId(service.functions[name].function), 'Arn'] },
          RoleArn: { 'Fn::GetAtt': [logicalId(service.schedules.role), 'Arn'] },
          Input: JSON.stringify(SCHEDULED_RUN_INPUT),
          RetryPolicy: { MaximumRetryAttempts: RUN_RETRY_POLICY.maximumRetryAttempts, MaximumEventAgeInSeconds: RUN_RETRY_POLICY.maximumEventAgeInSeconds },
          DeadLetterConfig: { Arn: dlqArn },
        },
      });
    }
    expect(SCHEDULED_RUN_INPUT.scheduledTime).toBe('<aws.scheduler.scheduled-time>');
  });

  it('uses SCHEDULE_DEFAULTS when no times are configured', () => {
    const { serviceTemplate } = sharedTestApp({ noticeRunTimes: undefined, chargeRunTimes: undefined, maintenanceRunTimes: undefined });
    const expressions = Object.values(serviceTemplate.findResources('AWS::Scheduler::Schedule')).map((s) => s.Properties.ScheduleExpression).sort();
    const expected = scheduledFunctions()
      .flatMap(([, fn]) => SCHEDULE_DEFAULTS[fn.timesSetting])
      .map((time) => `cron(${Number(time.slice(3))} ${Number(time.slice(0, 2))} * * ? *)`)
      .sort();

    expect(expressions).toEqual(expected);
  });

  it('has scheduled runs retry in Lambda and report final failures to the DLQ', () => {
    for (const [name] of scheduledFunctions()) {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: logicalId(service.functions[name].function) },
        MaximumRetryAttempts: 2,
        MaximumEventAgeInSeconds: RUN_RETRY_POLICY.maximumEventAgeInSeconds,
        DestinationConfig: { OnFailure: { Destination: dlqArn } },
      });
    }
    template.resourceCountIs('AWS::Lambda::EventInvokeConfig', scheduledFunctions().length);
  });

  describe('scheduler role', () => {
    const roleId = logicalId(service.schedules.role);
    const statements = statementsOfRole(template, roleId);

    it('can be assumed only by EventBridge Scheduler for this account and schedule group', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'Subscriptions-dev-scheduler',
        AssumeRolePolicyDocument: {
          Statement: [
            {
              Action: 'sts:AssumeRole',
              Effect: 'Allow',
              Principal: { Service: 'scheduler.amazonaws.com' },
              Condition: {
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
                ArnEquals: { 'aws:SourceArn': { 'Fn::ImportValue': Match.stringLikeRegexp('ScheduleGroup') } },
              },
            },
          ],
        },
      });
    });

    it('may invoke the scheduled functions (unqualified) and nothing else', () => {
      const invoke = statements.filter((s) => actionsOf(s).includes('lambda:InvokeFunction'));
      const expected = scheduledFunctions().map(([name]) => ({ 'Fn::GetAtt': [logicalId(service.functions[name].function), 'Arn'] }));

      expect(invoke).toHaveLength(1);
      expect(invoke[0]!.Resource).toEqual(expect.arrayContaining(expected));
      expect(invoke[0]!.Resource).toHaveLength(expected.length);
      const httpArns = httpFunctions().map(([name]) => logicalId(service.functions[name].function));
      expect(httpArns.some((id) => JSON.stringify(invoke[0]!.Resource).includes(id))).toBe(false);
    });

    it('may only invoke those functions and send to the DLQ', () => {
      expect(statements.flatMap(actionsOf).sort()).toEqual(['lambda:InvokeFunction', 'sqs:SendMessage']);
      expect(statements.find((s) => actionsOf(s).includes('sqs:SendMessage'))).toMatchObject({ Resource: { 'Fn::ImportValue': expect.stringMatching(/DeadLetterQueue/) } });
    });
  });
});

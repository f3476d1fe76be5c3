/**
 * The daily runs: for every scheduled function and each of its configured
 * HH:mm times, one EventBridge Scheduler schedule in Asia/Seoul that invokes
 * the function with SCHEDULED_RUN_INPUT. One role, which may invoke exactly
 * these functions and write to the dead-letter queue, is shared by all of them.
 */
import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DESCRIPTIONS } from '../../system/function-descriptions.ts';
import {
  SCHEDULED_RUN_INPUT,
  SCHEDULE_TIME_ZONE,
  parseRunTime,
  type FunctionName,
  type ScheduledFunction,
} from '../../system/functions.ts';

/**
 * Scheduler's own retries cover failing to *hand the event to Lambda*
 * (throttling, a brief outage), not the run failing: Lambda is invoked
 * asynchronously and retries a failed run itself. Retrying delivery for up to
 * an hour keeps a delayed run on the morning it belongs to (the notice must
 * reach customers two days ahead, S17); after that the event goes to the DLQ
 * and the alarm, because a run that starts hours late is an operator's call.
 */
export const RUN_RETRY_POLICY = { maximumRetryAttempts: 10, maximumEventAgeInSeconds: 3600 } as const;

export interface ScheduledRun {
  readonly name: FunctionName;
  readonly definition: ScheduledFunction;
  readonly handler: lambda.IFunction;
  /** HH:mm times (Asia/Seoul), already validated. */
  readonly times: readonly string[];
}

export interface RunSchedulesProps {
  readonly runs: readonly ScheduledRun[];
  readonly scheduleGroup: scheduler.IScheduleGroup;
  readonly deadLetterQueue: sqs.IQueue;
  /** Fixed so the DLQ's resource policy (in the stateful stack) can name it. */
  readonly roleName: string;
}

export class RunSchedules extends Construct {
  readonly role: iam.Role;
  readonly schedules: scheduler.Schedule[] = [];

  constructor(scope: Construct, id: string, props: RunSchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.role = new iam.Role(this, 'Role', {
      roleName: props.roleName,
      description: 'Assumed by EventBridge Scheduler to start the daily runs',
      // Confused-deputy guard: only schedules of this account's group may assume it.
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': props.scheduleGroup.scheduleGroupArn },
        },
      }),
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InvokeRuns',
        actions: ['lambda:InvokeFunction'],
        resources: props.runs.map((run) => run.handler.functionArn),
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'DeadLetters',
        actions: ['sqs:SendMessage'],
        resources: [props.deadLetterQueue.queueArn],
      }),
    );

    const timeZone = TimeZone.of(SCHEDULE_TIME_ZONE);
    for (const run of props.runs) {
      const target = new RunTarget(run.handler, this.role, props.deadLetterQueue);
      for (const time of run.times) {
        const { hour, minute } = parseRunTime(time);
        const hhmm = time.replace(':', '');
        this.schedules.push(
          new scheduler.Schedule(this, `${run.name}At${hhmm}`, {
            scheduleName: `${run.name}-${hhmm}`,
            description: `${DESCRIPTIONS[run.name]}, daily at ${time} ${SCHEDULE_TIME_ZONE}`,
            scheduleGroup: props.scheduleGroup,
            schedule: scheduler.ScheduleExpression.cron({ minute: String(minute), hour: String(hour), timeZone }),
            // The run's date is derived from the due time, so it must fire on time, not within a window.
            timeWindow: scheduler.TimeWindow.off(),
            target,
          }),
        );
      }
    }
  }
}

/**
 * A Lambda target with a caller-supplied role and no grants of its own.
 * aws-scheduler-targets' LambdaInvoke would call grantInvoke, which also
 * allows every version and alias (`<arn>:*`); these runs only ever invoke
 * $LATEST, so the role names the unqualified ARNs.
 */
class RunTarget implements scheduler.IScheduleTarget {
  constructor(
    private readonly handler: lambda.IFunction,
    private readonly role: iam.IRole,
    private readonly deadLetterQueue: sqs.IQueue,
  ) {}

  bind(): scheduler.ScheduleTargetConfig {
    return {
      arn: this.handler.functionArn,
      role: this.role,
      input: scheduler.ScheduleTargetInput.fromObject(SCHEDULED_RUN_INPUT),
      retryPolicy: RUN_RETRY_POLICY,
      deadLetterConfig: { arn: this.deadLetterQueue.queueArn },
    };
  }
}

/** How long Lambda keeps retrying a failed run before it goes to the DLQ (matches the delivery window). */
export const RUN_ASYNC_RETRY = { retryAttempts: 2, maxEventAge: Duration.seconds(RUN_RETRY_POLICY.maximumEventAgeInSeconds) } as const;

/**
 * Alarms that page someone, and one dashboard — built with the maintained
 * cdk-monitoring-constructs library rather than hand-made widgets. Every alarm
 * notifies the operator topic (SNS, with a mail subscription from the
 * `alarmEmail` setting):
 * - every dead-letter queue (the schedules' and each worker's) as soon as it holds a message;
 * - every function's errors and throttles;
 * - the HTTP API's 5xx answers and its p90 latency;
 * - a charge run that leaves due cycles behind (DueCyclesLeftBehind, from the charge dispatcher);
 * - any charge an operator must decide (ChargeReviews).
 * The business metrics (system/metrics.ts) are graphed beside them.
 */
import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { ComparisonOperator, MathExpression, Metric } from 'aws-cdk-lib/aws-cloudwatch';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { DefaultDashboardFactory, MetricStatistic, MonitoringFacade, SnsAlarmActionStrategy } from 'cdk-monitoring-constructs';
import { Construct } from 'constructs';
import { METRIC_NAMESPACE, METRICS } from '../../system/metrics.ts';

export interface MonitoringProps {
  /** Prefix of alarm names and the dashboard's name, e.g. `Subscriptions-prod`. */
  readonly name: string;
  /** Where alarms are mailed; without one the topic still receives them (subscribe to it later). */
  readonly alarmEmail?: string;
  readonly api: apigw.IHttpApi;
  readonly functions: ReadonlyArray<{ readonly name: string; readonly function: lambda.IFunction }>;
  /** Each worker queue with its DLQ, and the schedules' own DLQ. */
  readonly queues: ReadonlyArray<{ readonly name: string; readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue }>;
  readonly schedulesDeadLetterQueue: sqs.IQueue;
}

/** p90 latency above which the API pages (a handler's own timeout is 10 s). */
export const API_LATENCY_ALARM = Duration.seconds(3);

export class Monitoring extends Construct {
  readonly topic: sns.Topic;
  readonly facade: MonitoringFacade;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: `${props.name} alarms`, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    // Not KMS-encrypted: alarm names and states only, and CloudWatch cannot publish to a topic under the AWS-managed SNS key.

    this.facade = new MonitoringFacade(this, 'Facade', {
      alarmFactoryDefaults: {
        alarmNamePrefix: props.name,
        actionsEnabled: true,
        action: new SnsAlarmActionStrategy({ onAlarmTopic: this.topic }),
        datapointsToAlarm: 1,
        evaluationPeriods: 1,
      },
      metricFactoryDefaults: {},
      dashboardFactory: new DefaultDashboardFactory(this, 'Dashboards', { dashboardNamePrefix: props.name, createDashboard: true, createSummaryDashboard: false, createAlarmDashboard: true }),
    });
    const facade = this.facade;

    facade.addLargeHeader(`${props.name}: subscriptions`);
    facade.monitorApiGatewayV2HttpApi({
      api: props.api,
      alarmFriendlyName: 'Api',
      add5xxCountAlarm: { Errors: { maxErrorCount: 0 } },
      addLatencyP90Alarm: { Latency: { maxLatency: API_LATENCY_ALARM } },
    });

    for (const { name, queue, deadLetterQueue } of props.queues) {
      facade.monitorSqsQueueWithDlq({
        queue,
        deadLetterQueue,
        alarmFriendlyName: name,
        addDeadLetterQueueMaxSizeAlarm: { DeadLetters: { maxMessageCount: 0 } },
      });
    }
    facade.monitorSqsQueue({
      queue: props.schedulesDeadLetterQueue,
      alarmFriendlyName: 'ScheduleDeadLetters',
      addQueueMaxSizeAlarm: { DeadLetters: { maxMessageCount: 0 } },
    });

    for (const { name, function: fn } of props.functions) {
      facade.monitorLambdaFunction({
        lambdaFunction: fn,
        alarmFriendlyName: name,
        addFaultCountAlarm: { Errors: { maxErrorCount: 0 } },
        addThrottlesCountAlarm: { Throttles: { maxErrorCount: 0 } },
      });
    }

    const business = (metricName: string, label: string) =>
      new Metric({ namespace: METRIC_NAMESPACE, metricName, dimensionsMap: { service: 'subscriptions' }, statistic: MetricStatistic.SUM, period: Duration.minutes(5), label });
    // One line per value of a dimension (a charge's outcome, a notice's channel).
    const byDimension = (metricName: string, dimension: string) =>
      new MathExpression({ expression: `SEARCH('{${METRIC_NAMESPACE},service,${dimension}} MetricName="${metricName}"', 'Sum', 300)`, label: `${metricName} by ${dimension}`, period: Duration.minutes(5), usingMetrics: {} });
    facade.monitorCustom({
      alarmFriendlyName: 'DailyRuns',
      humanReadableName: 'Daily runs (S17) and the stop cascade (S22–S24)',
      metricGroups: [
        {
          title: 'Left behind and reviews',
          metrics: [
            {
              metric: business(METRICS.dueCyclesLeftBehind, 'Due cycles a charge run left behind'),
              alarmFriendlyName: 'DueCyclesLeftBehind',
              addAlarm: { LeftBehind: { threshold: 0, comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD, additionalDescription: 'A charge run started with cycles of the day before still due: look at the charge worker and its DLQ.' } },
            },
            {
              metric: business(METRICS.chargeReviews, 'Charges waiting for an operator'),
              alarmFriendlyName: 'ChargeReviews',
              addAlarm: { Review: { threshold: 0, comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD, additionalDescription: 'A charge outcome is unknown: decide it with POST /admin/subscriptions/{id}/cycles/{deliveryDate}/resolve after checking the PG.' } },
            },
          ],
        },
        { title: 'Notices', metrics: [byDimension(METRICS.noticesSent, 'channel'), business(METRICS.smsParts, 'SMS parts')] },
        { title: 'Charges', metrics: [byDimension(METRICS.charges, 'outcome'), business(METRICS.chargeRetries, 'Retries scheduled')] },
        {
          title: 'Stops',
          metrics: [
            business(METRICS.stopSubscriptionsCancelled, 'Subscriptions cancelled'),
            business(METRICS.stopBillingKeysDeleted, 'Billing keys deleted'),
            business(METRICS.stopMailsSent, 'Mails sent'),
            business(METRICS.stopMailsNotSent, 'Mails not sent'),
          ],
        },
        {
          title: 'Webhooks',
          metrics: [
            {
              metric: business(METRICS.webhookFailures, 'Webhook deliveries failed'),
              alarmFriendlyName: 'WebhookDeliveryFailures',
              addAlarm: { Failed: { threshold: 0, comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD, additionalDescription: "A webhook delivery failed every attempt (~31.6 h): the shop's endpoint is down or refusing; GET /admin/webhooks/{id}/deliveries shows each attempt." } },
            },
          ],
        },
      ],
    });
  }
}

/**
 * Webhooks in AWS (issue 13): the bus's webhook event types go to the fan-out queue through one rule, the
 * fan-out feeds the delivery queue, the delivery worker feeds itself (retries), both queues have DLQs with
 * alarms, and a delivery that failed every attempt raises an alarm.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { EVENT_SOURCE, EVENT_TYPES } from '../../system/events.ts';
import { METRICS } from '../../system/metrics.ts';
import { actionsOf, logicalId, sharedTestApp, statementsOfRole } from './cdk-app.ts';

describe('webhooks', () => {
  const dev = sharedTestApp({ stage: 'dev' });

  it('routes exactly the event types (system/events.ts) from the bus to the fan-out queue, with a DLQ for failed puts', () => {
    const fanout = dev.stateful.workQueues.webhookFanout!;
    dev.statefulTemplate.hasResourceProperties('AWS::Events::Rule', {
      EventBusName: { Ref: logicalId(dev.stateful.eventBus) },
      EventPattern: { source: [EVENT_SOURCE], 'detail-type': [...EVENT_TYPES] },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(fanout.queue), 'Arn'] }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [logicalId(fanout.deadLetterQueue), 'Arn'] } } })],
    });
    // Only EventBridge, for this rule, may send to the fan-out queue.
    dev.statefulTemplate.hasResourceProperties('AWS::SQS::QueuePolicy', {
      Queues: [{ Ref: logicalId(fanout.queue) }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['sqs:SendMessage']), Principal: { Service: 'events.amazonaws.com' }, Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [logicalId(dev.stateful.webhookRule), 'Arn'] } } } })]) },
    });
  });

  it('lets the fan-out and the delivery worker send to the delivery queue only', () => {
    for (const name of ['webhookFanout', 'webhookDelivery'] as const) {
      const sends = statementsOfRole(dev.serviceTemplate, logicalId(dev.service.functions[name].role)).filter((s) => actionsOf(s).includes('sqs:SendMessage'));
      expect(sends).toHaveLength(1);
      expect(JSON.stringify(sends[0]!.Resource)).toContain('webhookDeliveryQueue');
    }
  });

  it('alarms on a delivery that failed every attempt, and on each webhook DLQ', () => {
    const alarms = Object.values(dev.monitoringTemplate.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms.some((alarm) => JSON.stringify(alarm.Properties).includes(METRICS.webhookFailures))).toBe(true);
    const dlqAlarms = alarms.filter((alarm) => JSON.stringify(alarm.Properties).includes('ApproximateNumberOfMessagesVisible')).map((alarm) => JSON.stringify(alarm.Properties));
    for (const name of ['webhookFanout', 'webhookDelivery'] as const) {
      expect(dlqAlarms.some((alarm) => alarm.includes(`${name}QueueDeadLetterQueue`))).toBe(true);
    }
  });
});

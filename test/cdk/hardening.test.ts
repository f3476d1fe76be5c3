/**
 * Issue 11 in the synthesized stacks: alarms that page someone (an operator
 * SNS topic mailed from config) on every DLQ, every function's errors and
 * throttles, the API's 5xx and latency, a charge run leaving cycles behind;
 * a dashboard; one scope per role on each route; public routes throttled lower.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { scopeFor } from '../../system/auth.ts';
import { functionNames, httpFunctions, queueFunctions } from '../../system/functions.ts';
import { METRICS } from '../../system/metrics.ts';
import { TEST_CONTEXT, logicalId, sharedTestApp } from './cdk-app.ts';

const dev = sharedTestApp();
const template = dev.serviceTemplate;
/** Alarms, dashboards and their topic live in the service's nested monitoring stack. */
const monitoring = dev.monitoringTemplate;
const topic = logicalId(dev.service.monitoring.topic);
/** Each alarm with its (first) metric flattened: the library writes alarms in the `Metrics` form. */
const alarms = () =>
  Object.values(monitoring.findResources('AWS::CloudWatch::Alarm')).map((resource): Record<string, any> => {
    const alarm = resource.Properties as Record<string, any>;
    const stat = alarm.Metrics?.[0]?.MetricStat;
    return { ...alarm, MetricName: alarm.MetricName ?? stat?.Metric.MetricName, Namespace: alarm.Namespace ?? stat?.Metric.Namespace, Dimensions: alarm.Dimensions ?? stat?.Metric.Dimensions, Stat: stat?.Stat };
  });
const notifyingTopic = (alarm: Record<string, any>) => JSON.stringify(alarm.AlarmActions) === JSON.stringify([{ Ref: topic }]);

describe('alarms with an action', () => {
  it('go to one operator topic, TLS only, mailed to alarmEmail', () => {
    monitoring.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: TEST_CONTEXT.alarmEmail, TopicArn: { Ref: topic } });
    monitoring.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    expect(alarms().length).toBeGreaterThan(0);
    expect(alarms().filter((alarm) => !notifyingTopic(alarm)).map((alarm) => alarm.AlarmName)).toEqual([]);
  });

  it('on every dead-letter queue as soon as it holds a message', () => {
    const dlqAlarms = alarms().filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible' && alarm.Threshold === 0);
    const queues = [...queueFunctions().map(([name]) => dev.stateful.workQueues[name]!.deadLetterQueue), dev.stateful.deadLetterQueue];
    expect(dlqAlarms).toHaveLength(queues.length);
    for (const alarm of dlqAlarms) expect(alarm.ComparisonOperator).toBe('GreaterThanThreshold');
  });

  it.each(functionNames)('on %s: its errors and throttles', (name) => {
    // In the nested stack a function is a parameter the service stack passes its name in.
    const nested = Object.values(template.findResources('AWS::CloudFormation::Stack'))[0]!.Properties.Parameters as Record<string, unknown>;
    const parameter = Object.entries(nested).find(([, value]) => JSON.stringify(value) === JSON.stringify({ Ref: logicalId(dev.service.functions[name].function) }))?.[0];
    const fn = JSON.stringify({ Ref: parameter });
    const own = alarms().filter((alarm) => JSON.stringify(alarm.Dimensions ?? []).includes(fn));
    expect(own.map((alarm) => alarm.MetricName).sort()).toEqual(['Errors', 'Throttles']);
  });

  it("on the API's 5xx answers and its p90 latency", () => {
    const api = alarms().filter((alarm) => alarm.Namespace === 'AWS/ApiGateway');
    expect(api.map((alarm) => alarm.MetricName).sort()).toEqual(['5xx', 'Latency']);
    expect(api.find((alarm) => alarm.MetricName === 'Latency')).toMatchObject({ Stat: 'p90', Threshold: 3000 });
  });

  it('on a charge run that leaves due cycles behind, and on a charge waiting for an operator', () => {
    for (const metricName of [METRICS.dueCyclesLeftBehind, METRICS.chargeReviews]) {
      expect(alarms().find((alarm) => alarm.MetricName === metricName)).toMatchObject({ Namespace: 'Subscriptions', Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('with a dashboard', () => {
    expect(Object.keys(monitoring.findResources('AWS::CloudWatch::Dashboard')).length).toBeGreaterThan(0);
  });
});

describe('the API authorizes by scope and throttles public routes lower', () => {
  it.each(httpFunctions())('%s', (_name, definition) => {
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')).map((route) => route.Properties as Record<string, any>);
    const route = routes.find((candidate) => candidate.RouteKey === `${definition.method} ${definition.path}`)!;
    if (definition.auth === 'public') {
      expect(route.AuthorizationScopes).toBeUndefined();
      const stage = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'))[0]!.Properties as Record<string, any>;
      expect(stage.RouteSettings[route.RouteKey]).toEqual({ ThrottlingRateLimit: dev.config.publicRateLimit, ThrottlingBurstLimit: dev.config.publicBurstLimit });
      expect(dev.config.publicRateLimit).toBeLessThan(TEST_CONTEXT.apiRateLimit + 1);
    } else {
      expect(route.AuthorizationType).toBe('JWT');
      expect(route.AuthorizationScopes).toEqual([scopeFor(definition.auth)]);
    }
  });
});

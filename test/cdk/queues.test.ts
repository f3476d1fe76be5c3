/**
 * The daily runs' plumbing: a queue (with its own DLQ and alarm) per queue
 * worker, the event source mappings that feed the workers, the event bus, and
 * who may do what with them — all derived from system/functions.ts.
 */
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { ENV, FUNCTIONS, functionNames, queueFunctions, scheduledFunctions, type FunctionDefinition, type FunctionName } from '../../system/functions.ts';
import { FUNCTION_DEFAULTS } from '../../lib/constructs/service-function.ts';
import { WorkQueue } from '../../lib/constructs/work-queue.ts';
import { actionsOf, sharedTestApp, logicalId, statementsOfRole, type Statement } from './cdk-app.ts';

const definitions = functionNames.map((name) => [name, FUNCTIONS[name] as FunctionDefinition] as const);
const dispatchers = scheduledFunctions().filter(([, fn]) => fn.enqueuesFor !== undefined);
/** Every function that puts messages on a queue: the dispatchers, and the stop triggers and worker (S21–S24). */
const enqueuers = definitions.filter(([, fn]) => fn.enqueuesFor !== undefined);

/** A value the service stack imports from the stateful stack: `Ref` or `Fn::GetAtt <attribute>` of the resource with that logical id. */
const imported = (statefulId: string, attribute?: string) =>
  Match.objectEquals({ 'Fn::ImportValue': Match.stringLikeRegexp(`:ExportsOutput${attribute ? `FnGetAtt${statefulId}${attribute}` : `Ref${statefulId}`}[0-9A-F]{8}$`) });
const matches = (pattern: ReturnType<typeof imported>, value: unknown) => pattern.test(value).isSuccess;

describe('work queues', () => {
  const dev = sharedTestApp({ stage: 'dev' });
  const prod = sharedTestApp({ stage: 'prod' });
  const stateful = dev.statefulTemplate;

  it('exist once per queue function, in the stateful stack', () => {
    expect(Object.keys(dev.stateful.workQueues).sort()).toEqual(queueFunctions().map(([name]) => name).sort());
    // Per worker a queue and its DLQ, plus the schedules' DLQ.
    stateful.resourceCountIs('AWS::SQS::Queue', 2 * queueFunctions().length + 1);
    dev.serviceTemplate.resourceCountIs('AWS::SQS::Queue', 0);
  });

  it.each(queueFunctions())("%s's queue is encrypted, outlasts its worker's timeout, and redrives to its own DLQ after maxReceiveCount", (name, definition) => {
    const workQueue = dev.stateful.workQueues[name]!;
    const queues = stateful.findResources('AWS::SQS::Queue');
    const queue = queues[logicalId(workQueue.queue)]!.Properties;
    const dlq = queues[logicalId(workQueue.deadLetterQueue)]!.Properties;

    expect(queue).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: definition.queue.visibilityTimeoutSeconds,
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(workQueue.deadLetterQueue), 'Arn'] }, maxReceiveCount: definition.queue.maxReceiveCount },
    });
    expect(definition.queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(definition.timeoutSeconds ?? 0);
    expect(dlq).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(dlq.RedrivePolicy).toBeUndefined();
    // The DLQ keeps messages longer than the queue, which passes on their original enqueue time.
    expect(dlq.MessageRetentionPeriod).toBeGreaterThan(queue.MessageRetentionPeriod);
  });

  it.each(queueFunctions())("%s's queue and DLQ refuse anything but TLS", (name) => {
    const workQueue = dev.stateful.workQueues[name]!;
    for (const queue of [workQueue.queue, workQueue.deadLetterQueue]) {
      stateful.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(queue) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  it('are retained outside dev and disposable in dev', () => {
    for (const [name] of queueFunctions()) {
      const prodQueues = prod.statefulTemplate.findResources('AWS::SQS::Queue');
      const devQueues = stateful.findResources('AWS::SQS::Queue');
      for (const which of ['queue', 'deadLetterQueue'] as const) {
        expect(prodQueues[logicalId(prod.stateful.workQueues[name]![which])]).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
        expect(devQueues[logicalId(dev.stateful.workQueues[name]![which])]).toMatchObject({ DeletionPolicy: 'Delete' });
      }
    }
  });

  it("refuse a visibility timeout shorter than the worker's timeout (Lambda would reject the event source)", () => {
    const [name, definition] = queueFunctions()[0]!;
    const tooShort = { ...definition, timeoutSeconds: 120, queue: { ...definition.queue, visibilityTimeoutSeconds: 60 } };

    expect(() => new WorkQueue(new Stack(), 'Probe', { worker: name, definition: tooShort, removalPolicy: RemovalPolicy.DESTROY })).toThrow(
      /visibilityTimeoutSeconds \(60\) must be at least its timeoutSeconds \(120\)/,
    );
  });
});

describe('event source mappings', () => {
  const { stateful, service, serviceTemplate } = sharedTestApp();
  const mappings = Object.values(serviceTemplate.findResources('AWS::Lambda::EventSourceMapping')).map((resource) => resource.Properties);

  it('feed each queue worker from its own queue, and nothing else from a queue', () => {
    expect(mappings).toHaveLength(queueFunctions().length);
  });

  it.each(queueFunctions())('%s takes batches of its batchSize within its batching window, at most maxConcurrency at once, reporting failed messages one by one', (name, definition) => {
    const mapping = mappings.find((properties) => JSON.stringify(properties.FunctionName) === JSON.stringify({ Ref: logicalId(service.functions[name].function) }));
    const window = definition.queue.maxBatchingWindowSeconds;

    expect(mapping).toMatchObject({
      BatchSize: definition.queue.batchSize,
      ScalingConfig: { MaximumConcurrency: definition.queue.maxConcurrency },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    expect(mapping!.MaximumBatchingWindowInSeconds).toBe(window);
    expect(matches(imported(logicalId(stateful.workQueues[name]!.queue), 'Arn'), mapping!.EventSourceArn)).toBe(true);
    // SQS allows 2–1000; a standard queue's batch up to 10,000, above 10 only with a batching window of 1–300 s.
    expect(definition.queue.maxConcurrency).toBeGreaterThanOrEqual(2);
    expect(definition.queue.batchSize).toBeLessThanOrEqual(definition.queue.batchSize > 10 ? 10_000 : 10);
    if (definition.queue.batchSize > 10) expect(window).toBeGreaterThanOrEqual(1);
    if (window !== undefined) expect(window).toBeLessThanOrEqual(300);
    // AWS's guidance for a batching window: the visibility timeout covers six timeouts plus the window.
    if (window !== undefined) expect(definition.queue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(6 * (definition.timeoutSeconds ?? FUNCTION_DEFAULTS.timeoutSeconds) + window);
  });

  it('the webhook fan-out gathers its events for a second, up to 100 a batch (issue 12: a shop’s endpoints read once per batch)', () => {
    const mapping = mappings.find((properties) => JSON.stringify(properties.FunctionName) === JSON.stringify({ Ref: logicalId(service.functions.webhookFanout.function) }));

    expect(mapping).toMatchObject({ BatchSize: 100, MaximumBatchingWindowInSeconds: 1 });
  });
});

describe('queue IAM and environment', () => {
  const { stateful, service, serviceTemplate: template } = sharedTestApp();
  const statementsOf = (name: FunctionName): Statement[] => statementsOfRole(template, logicalId(service.functions[name].role));
  const variablesOf = (name: FunctionName): Record<string, unknown> =>
    template.findResources('AWS::Lambda::Function')[logicalId(service.functions[name].function)]!.Properties.Environment.Variables;
  const queueArn = (worker: string) => imported(logicalId(stateful.workQueues[worker as FunctionName]!.queue), 'Arn');
  const onAWorkQueue = (statement: Statement) => queueFunctions().some(([worker]) => matches(queueArn(worker), statement.Resource));

  it.each(enqueuers)('%s may SendMessage only to the queue of the worker it enqueues for, whose URL it gets', (name, definition) => {
    // (A scheduled run may also SendMessage to the shared DLQ, as its async on-failure destination: not a work queue.)
    const sends = statementsOf(name).filter(onAWorkQueue).filter((s) => actionsOf(s).includes('sqs:SendMessage'));

    expect(sends).toEqual([{ Sid: 'EnqueueWork', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: expect.anything() }]);
    expect(matches(queueArn(definition.enqueuesFor!), sends[0]!.Resource)).toBe(true);
    expect(matches(imported(logicalId(stateful.workQueues[definition.enqueuesFor as FunctionName]!.queue)), variablesOf(name)[ENV.workQueueUrl])).toBe(true);
    // Nothing else on any work queue, unless it is a worker consuming its own.
    if (definition.kind !== 'queue') expect(statementsOf(name).filter(onAWorkQueue)).toEqual(sends);
  });

  it('the stop triggers (PG contract changes included, S21), the stop resume (GET /admin/service) and the stop worker itself enqueue for the stop worker', () => {
    expect(enqueuers.filter(([, fn]) => fn.enqueuesFor === 'stopWorker').map(([name]) => name).sort()).toEqual(['changeCardPg', 'deletePgContract', 'getService', 'putPgContract', 'setEasyPay', 'stopService', 'stopWorker', 'unlinkCardPg']);
    expect(dispatchers.map(([name, fn]) => [name, fn.enqueuesFor])).toEqual([['noticeRun', 'noticeWorker'], ['chargeRun', 'chargeWorker']]);
  });

  it.each(queueFunctions())('%s may consume its own queue only, and send only to the one it enqueues for', (name, definition) => {
    const consume = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('sqs:') && a !== 'sqs:SendMessage'));

    expect(consume).toHaveLength(1);
    expect(actionsOf(consume[0]!).sort()).toEqual(['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage']);
    expect(matches(queueArn(name), consume[0]!.Resource)).toBe(true);
    if (definition.enqueuesFor === undefined) {
      expect(statementsOf(name).filter(onAWorkQueue).filter((s) => actionsOf(s).includes('sqs:SendMessage'))).toEqual([]);
      expect(variablesOf(name)[ENV.workQueueUrl]).toBeUndefined();
    }
  });

  it('gives no other function any access to a work queue, nor a queue URL', () => {
    const involved = new Set<string>([...enqueuers.map(([name]) => name), ...queueFunctions().map(([name]) => name)]);
    for (const [name] of definitions.filter(([n]) => !involved.has(n))) {
      expect(statementsOf(name).filter(onAWorkQueue), name).toEqual([]);
      expect(variablesOf(name)[ENV.workQueueUrl], name).toBeUndefined();
    }
  });

  it.each(definitions)("%s may PutEvents only if it declares 'events', on the subscriptions bus only", (name, definition) => {
    const eventStatements = statementsOf(name).filter((s) => actionsOf(s).some((a) => a.startsWith('events:')));
    const busName = variablesOf(name)[ENV.eventBusName];

    if (!definition.sends.includes('events')) {
      expect(eventStatements).toEqual([]);
      expect(busName).toBeUndefined();
      return;
    }
    expect(eventStatements).toEqual([{ Sid: 'PublishEvents', Effect: 'Allow', Action: 'events:PutEvents', Resource: expect.anything() }]);
    expect(matches(imported(logicalId(stateful.eventBus), 'Arn'), eventStatements[0]!.Resource)).toBe(true);
    expect(matches(imported(logicalId(stateful.eventBus)), busName)).toBe(true);
  });
});

describe('event bus', () => {
  const dev = sharedTestApp({ stage: 'dev' });
  const prod = sharedTestApp({ stage: 'prod' });

  it('is one custom bus per stage, subscriptions-<stage>, in the stateful stack, retained outside dev', () => {
    const buses = (template: Template) => template.findResources('AWS::Events::EventBus');

    expect(Object.values(buses(dev.statefulTemplate))).toEqual([expect.objectContaining({ DeletionPolicy: 'Delete', Properties: expect.objectContaining({ Name: 'subscriptions-dev' }) })]);
    expect(Object.values(buses(prod.statefulTemplate))).toEqual([expect.objectContaining({ DeletionPolicy: 'Retain', Properties: expect.objectContaining({ Name: 'subscriptions-prod' }) })]);
    expect(buses(dev.serviceTemplate)).toEqual({});
  });
});

describe('queue workers know the run times', () => {
  it('carry the configured charge-run times, from which the charge worker schedules its retries (and so does the REVIEW resolve)', () => {
    const { serviceTemplate, service } = sharedTestApp();
    for (const name of [...queueFunctions().map(([queueFunction]) => queueFunction), 'resolveCycle' as const]) {
      const resource = serviceTemplate.toJSON().Resources[logicalId(service.functions[name].function)];
      expect(resource.Properties.Environment.Variables).toMatchObject({ CHARGE_RUN_TIMES: '09:05,18:45', NOTICE_RUN_TIMES: '07:30', CHARGE_RETRY_DAYS: '3' });
    }
  });

  it('carry the retry window from context, and refuse a bad one', () => {
    const { serviceTemplate, service } = sharedTestApp({ chargeRetryDays: 5 });
    const resource = serviceTemplate.toJSON().Resources[logicalId(service.functions.chargeWorker.function)];
    expect(resource.Properties.Environment.Variables.CHARGE_RETRY_DAYS).toBe('5');
    expect(() => sharedTestApp({ chargeRetryDays: 40 })).toThrow(/chargeRetryDays/);
  });
});

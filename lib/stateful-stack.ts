/**
 * What holds data or outlives a deploy: the table, the schedule group, the
 * dead-letter queue, the workers' queues (with their DLQs), the event bus and
 * the KMS key that seals PG credentials and billing keys. Kept apart from the functions so the service
 * stack can be torn down and redeployed freely while this one changes rarely:
 * work in flight and failed work waiting in a DLQ survive it.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { EVENT_SOURCE, EVENT_TYPES } from '../system/events.ts';
import { queueFunctions, type FunctionName } from '../system/functions.ts';
import { TABLE_INDEXES, TABLE_KEYS } from '../system/table.ts';
import { isDisposable, type AppConfig } from './app-config.ts';
import { WorkQueue } from './constructs/work-queue.ts';

export interface StatefulStackProps extends StackProps {
  readonly config: AppConfig;
  /**
   * Name of the role EventBridge Scheduler assumes (created in the service
   * stack). The DLQ's policy names it by ARN string rather than by reference so
   * that this stack never depends on the service stack.
   */
  readonly schedulerRoleName: string;
}

export class StatefulStack extends Stack {
  readonly table: dynamodb.TableV2;
  /**
   * The table's physical name as a plain string. The service stack builds the
   * table's ARNs from it instead of importing a CloudFormation export: no export
   * lock between the stacks, and IAM findings name the table literally.
   */
  readonly tableName: string;
  readonly scheduleGroup: scheduler.ScheduleGroup;
  /** Receives schedule deliveries that failed after retries, and scheduled runs that failed after Lambda's async retries. */
  readonly deadLetterQueue: sqs.Queue;
  /**
   * The one KMS key of the envelope encryption (functions/adapters/crypto/envelope.ts):
   * every shop's PG credentials and every buyer's billing key are sealed under data
   * keys it issues, with the shop as encryption context. Functions may use it only
   * as system/functions.ts declares (usesGateway: open; sealsPgCredentials: seal).
   */
  readonly secretsKey: kms.Key;
  /** One queue (with its DLQ) per queue function of system/functions.ts, by the worker's name. */
  readonly workQueues: Readonly<Partial<Record<FunctionName, WorkQueue>>>;
  /** `subscriptions-<stage>`: the custom bus shops consume domain events from (functions that send 'events'). */
  readonly eventBus: events.EventBus;
  /** Routes the webhook event types from the bus to the webhook fan-out queue. */
  readonly webhookRule: events.Rule;

  constructor(scope: Construct, id: string, props: StatefulStackProps) {
    super(scope, id, props);
    const { config } = props;
    const disposable = isDisposable(config);
    const removalPolicy = disposable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    const stringKey = (name: string): dynamodb.Attribute => ({ name, type: dynamodb.AttributeType.STRING });
    this.tableName = `subscriptions-${config.stage}`;
    this.table = new dynamodb.TableV2(this, 'Table', {
      tableName: this.tableName,
      partitionKey: stringKey(TABLE_KEYS.partitionKey),
      sortKey: stringKey(TABLE_KEYS.sortKey),
      globalSecondaryIndexes: TABLE_INDEXES.map((index) => ({
        indexName: index.name,
        partitionKey: stringKey(index.partitionKey),
        sortKey: stringKey(index.sortKey),
        projectionType: dynamodb.ProjectionType[index.projection],
      })),
      billing: dynamodb.Billing.onDemand(),
      timeToLiveAttribute: TABLE_KEYS.ttlAttribute,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
      deletionProtection: !disposable,
      removalPolicy,
    });

    this.scheduleGroup = new scheduler.ScheduleGroup(this, 'ScheduleGroup', {
      scheduleGroupName: `subscriptions-${config.stage}`,
      removalPolicy,
    });

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SSE-SQS rather than a KMS key: the messages are run metadata (no card data),
      // and a customer key would need key-policy grants for Scheduler's role and Lambda.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows, so a failure found after a holiday can still be inspected and redriven.
      retentionPeriod: Duration.days(14),
      removalPolicy,
    });
    this.deadLetterQueue.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'SchedulerRoleSendsDeadLetters',
        principals: [new iam.AccountRootPrincipal()],
        actions: ['sqs:SendMessage'],
        resources: [this.deadLetterQueue.queueArn],
        conditions: {
          ArnEquals: { 'aws:PrincipalArn': this.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: props.schedulerRoleName }) },
        },
      }),
    );
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue for the EventBridge schedules and the scheduled runs; a DLQ of a DLQ would only move the same messages again.',
    });

    // Its alarm (with an action: the operator topic) is in the service stack's monitoring (lib/constructs/monitoring.ts).

    const workQueues: Partial<Record<FunctionName, WorkQueue>> = {};
    for (const [worker, definition] of queueFunctions()) {
      workQueues[worker] = new WorkQueue(this, `${worker}Queue`, { worker, definition, removalPolicy });
    }
    this.workQueues = workQueues;

    this.eventBus = new events.EventBus(this, 'EventBus', {
      eventBusName: `subscriptions-${config.stage}`,
      description: 'Domain events of the subscription service (e.g. a charged cycle) for the shop platform to consume',
    });
    this.eventBus.applyRemovalPolicy(removalPolicy);

    // Webhooks (issue 13): every event a shop can subscribe to goes to the fan-out worker's queue, whole
    // (EventBridge's envelope: id, detail-type, time, detail). EventBridge retries a failed put for 24 h.
    const fanout = workQueues.webhookFanout;
    if (!fanout) throw new Error('system/functions.ts has no webhookFanout queue function');
    this.webhookRule = new events.Rule(this, 'WebhookEvents', {
      eventBus: this.eventBus,
      description: 'Domain events shops may receive as webhooks → the webhook fan-out queue',
      eventPattern: { source: [EVENT_SOURCE], detailType: [...EVENT_TYPES] },
      targets: [new targets.SqsQueue(fanout.queue, { deadLetterQueue: fanout.deadLetterQueue, retryAttempts: 185, maxEventAge: Duration.hours(24) })],
    });

    this.secretsKey = new kms.Key(this, 'SecretsKey', {
      description: `Subscriptions (${config.stage}): seals each shop's PG credentials and its buyers' billing keys (envelope encryption, shop as encryption context)`,
      alias: `alias/subscriptions-${config.stage}-secrets`,
      enableKeyRotation: true,
      // Losing the key loses every sealed credential and billing key: a deleted key waits the longest window.
      pendingWindow: Duration.days(disposable ? 7 : 30),
      removalPolicy,
    });

    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'ScheduleGroupName', { value: this.scheduleGroup.scheduleGroupName });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName });
    for (const [worker, workQueue] of Object.entries(workQueues)) {
      new CfnOutput(this, `${worker}DeadLetterQueueUrl`, { value: workQueue.deadLetterQueue.queueUrl, description: `Failed work of ${worker}, to inspect and redrive` });
    }
    new CfnOutput(this, 'SecretsKeyArn', { value: this.secretsKey.keyArn, description: 'The KMS key sealing PG credentials and billing keys (README: Configuration and deploying)' });
  }
}

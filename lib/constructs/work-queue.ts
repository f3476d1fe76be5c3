/**
 * A queue worker's inbox: an SQS standard queue (SSE-SQS, TLS only) whose
 * messages go to their own dead-letter queue after `maxReceiveCount`
 * deliveries (alarmed on in lib/constructs/monitoring.ts). Settings come
 * from the worker's definition in system/functions.ts.
 */
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName, QueueFunction } from '../../system/functions.ts';

export interface WorkQueueProps {
  /** The worker's key in FUNCTIONS. */
  readonly worker: FunctionName;
  readonly definition: QueueFunction;
  /** RETAIN outside dev: the DLQ holds work that failed and must be looked at. */
  readonly removalPolicy: RemovalPolicy;
}

/** The longest SQS keeps a message; also what the DLQs keep (see below). */
const FOURTEEN_DAYS = Duration.days(14);

export class WorkQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const { queue: settings, timeoutSeconds } = props.definition;
    // Lambda refuses an SQS event source whose visibility timeout is below the function's timeout.
    if (timeoutSeconds !== undefined && settings.visibilityTimeoutSeconds < timeoutSeconds) {
      throw new Error(`${props.worker}: queue.visibilityTimeoutSeconds (${settings.visibilityTimeoutSeconds}) must be at least its timeoutSeconds (${timeoutSeconds})`);
    }

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      // SSE-SQS: the messages are due-index keys (no card or personal data); a customer key would need grants for Lambda's poller.
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A standard queue's message keeps its original enqueue time in the DLQ, so the DLQ must keep messages longer than the source.
      retentionPeriod: FOURTEEN_DAYS,
      removalPolicy: props.removalPolicy,
    });
    // No AwsSolutions-SQS3 finding here: cdk-nag sees that the queue below uses this one as its DLQ.

    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      // A day's work is re-dispatched by the next run anyway; four days covers a long weekend of an outage.
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });
    // Its alarm (as soon as it holds a message, to the operator topic) is in lib/constructs/monitoring.ts.
  }
}

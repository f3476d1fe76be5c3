/** SQS, for the functions with `enqueuesFor`: WORK_QUEUE_URL names the queue they fill. */
import { ENV } from '../../system/functions.ts';
import { sqsWorkQueue } from '../adapters/messaging/sqs.ts';
import type { WorkQueue } from '../adapters/messaging/ports.ts';

const workQueueUrl = process.env[ENV.workQueueUrl];

export const workQueue: WorkQueue = workQueueUrl
  ? sqsWorkQueue(workQueueUrl)
  : { send: async () => { throw new Error(`${ENV.workQueueUrl} is not set: only a function with enqueuesFor has a work queue`); } };

/** The SQS work queue adapter (one SDK client per module: a function imports only the clients it uses). */
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from './ports.ts';

/** SQS takes at most 10 messages per batch call. */
export function sqsWorkQueue(queueUrl: string, client = new SQSClient({})): WorkQueue {
  return {
    async send(messages, options = {}) {
      for (let start = 0; start < messages.length; start += 10) {
        const entries = messages.slice(start, start + 10).map((message, i) => ({ Id: String(start + i), MessageBody: JSON.stringify(message), ...(options.delaySeconds ? { DelaySeconds: options.delaySeconds } : {}) }));
        const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        if (result.Failed?.length) throw new Error(`SQS refused ${result.Failed.length} messages: ${result.Failed.map((f) => f.Code).join(', ')}`);
      }
    },
  };
}

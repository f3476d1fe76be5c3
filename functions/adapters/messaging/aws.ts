import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SESClient, SendEmailCommand } from '@aws-sdk/client-ses';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { EventPublisher, Mailer, SmsSender, WorkQueue } from './ports.ts';

/** Korean mobile numbers to E.164, as SNS wants them: 010-1234-5678 → +821012345678. */
export function toE164(phone: string): string {
  const digits = phone.replace(/[^\d+]/g, '');
  if (digits.startsWith('+')) return digits;
  return digits.startsWith('0') ? `+82${digits.slice(1)}` : `+82${digits}`;
}

export function sesMailer(from: string, client = new SESClient({})): Mailer {
  return {
    async send(mail) {
      const result = await client.send(
        new SendEmailCommand({
          Source: from,
          Destination: { ToAddresses: [mail.to] },
          Message: { Subject: { Data: mail.subject, Charset: 'UTF-8' }, Body: { Text: { Data: mail.text, Charset: 'UTF-8' } } },
          // The kind travels as an SES message tag (usable in SES event publishing; the local outbox reads it).
          Tags: [{ Name: 'kind', Value: mail.kind }],
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
  };
}

export function snsSmsSender(client = new SNSClient({})): SmsSender {
  return {
    async send(sms) {
      const result = await client.send(
        new PublishCommand({
          PhoneNumber: toE164(sms.to),
          Message: sms.text,
          MessageAttributes: {
            // Transactional: delivered even to numbers that opted out of promotional SMS, at a higher priority.
            'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' },
            kind: { DataType: 'String', StringValue: sms.kind },
          },
        }),
      );
      return { messageId: result.MessageId ?? '' };
    },
  };
}

export function eventBridgePublisher(busName: string, client = new EventBridgeClient({})): EventPublisher {
  return {
    async publish(event) {
      const result = await client.send(
        new PutEventsCommand({
          Entries: [{ EventBusName: busName, Source: 'subscriptions', DetailType: event.type, Detail: JSON.stringify({ id: event.id, shopId: event.shopId, ...event.detail }) }],
        }),
      );
      if ((result.FailedEntryCount ?? 0) > 0) throw new Error(`EventBridge refused ${event.type}: ${result.Entries?.[0]?.ErrorCode ?? 'unknown'}`);
    },
  };
}

/** SQS takes at most 10 messages per batch call. */
export function sqsWorkQueue(queueUrl: string, client = new SQSClient({})): WorkQueue {
  return {
    async send(messages, options = {}) {
      const delay = options.delaySeconds ? { DelaySeconds: options.delaySeconds } : {};
      for (let start = 0; start < messages.length; start += 10) {
        const entries = messages.slice(start, start + 10).map((message, i) => ({ Id: String(start + i), MessageBody: JSON.stringify(message), ...delay }));
        const result = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
        if (result.Failed?.length) throw new Error(`SQS refused ${result.Failed.length} messages: ${result.Failed.map((f) => f.Code).join(', ')}`);
      }
    },
  };
}
